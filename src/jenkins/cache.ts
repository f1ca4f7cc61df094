// Small TTL caches for crumbs and job metadata. The plugin cleared global maps every 10 minutes
// and keyed crumbs by host name only (quirk 7); here each entry has its own TTL and the caller
// chooses the key scope (origin + identity).

export interface TtlCache<V> {
  get(key: string): V | undefined;
  set(key: string, v: V): void;
  delete(key: string): void;
}

export class MemoryTtlCache<V> implements TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, v: V): void {
    this.entries.set(key, { value: v, expiresAt: this.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
