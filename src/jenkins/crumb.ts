// CSRF crumbs (docs/jenkins.md §3). A crumb is bound to the web session that issued it, so the
// session cookie is fetched, kept and cached together with it. Fixes plugin quirks 7 (cache keyed
// by host only) and 12 (no timeout on the crumb request).
import type { CookieJar } from './cookies.js';
import type { TtlCache } from './cache.js';
import type { Transport } from './http.js';
import { readJson } from './responses.js';
import { crumbSchema } from './schemas.js';
import type { SingleFlight } from './single-flight.js';
import type { CrumbEntry } from './types.js';

export interface CrumbsOptions {
  transport: Transport;
  jar: CookieJar;
  root: string;
  rootOrigin: string;
  identity: string;
  getTimeoutMs: number;
  cache?: TtlCache<CrumbEntry>;
  /** Crumb requests of other clients to share, under `flightKey` (root, credential, TLS mode). */
  flights?: SingleFlight<CrumbEntry>;
  flightKey: string;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export class Crumbs {
  /** This client's crumb, so one client asks at most once even without a shared cache. */
  private current: CrumbEntry | undefined;

  constructor(private readonly opts: CrumbsOptions) {}

  private get cacheKey(): string {
    return `${this.opts.rootOrigin}|${this.opts.identity}`;
  }

  /** The header(s) to add to a POST: `{ 'Jenkins-Crumb': '…' }`, or none when CSRF is off. */
  async headers(): Promise<Record<string, string>> {
    const entry = (this.current ??= this.fromCache() ?? (await this.fetchShared()));
    return 'disabled' in entry ? {} : { [entry.field]: entry.value };
  }

  /** After a 403 "No valid crumb": forget the crumb and its session everywhere. */
  invalidate(): void {
    if (this.current) this.opts.flights?.forget(this.opts.flightKey, this.current);
    this.current = undefined;
    this.opts.cache?.delete(this.cacheKey);
    this.opts.jar.clear(this.opts.rootOrigin);
  }

  private fromCache(): CrumbEntry | undefined {
    const entry = this.opts.cache?.get(this.cacheKey);
    if (!entry) return undefined;
    this.opts.log(`reuse cached crumb: ${this.opts.rootOrigin}`);
    // The crumb is only valid with the session it came from.
    if (!('disabled' in entry) && entry.cookie) this.opts.jar.restore(this.opts.rootOrigin, entry.cookie);
    return entry;
  }

  /** This client's own crumb request, or the one another client sent within the last second. */
  private async fetchShared(): Promise<CrumbEntry> {
    let sent = false;
    const send = () => ((sent = true), this.fetch());
    const entry = this.opts.flights ? await this.opts.flights.run(this.opts.flightKey, send, this.opts.signal) : await send();
    // The crumb is only valid with the session it came from.
    if (!sent && !('disabled' in entry) && entry.cookie) this.opts.jar.restore(this.opts.rootOrigin, entry.cookie);
    // No crumb issuer configured: CSRF protection is off (only possible via a system property since 2.222).
    this.opts.log(`CSRF protection is ${'disabled' in entry ? 'disabled' : 'enabled'} on the remote server.`);
    this.opts.cache?.set(this.cacheKey, entry);
    return entry;
  }

  private async fetch(): Promise<CrumbEntry> {
    const res = await this.opts.transport.send({
      method: 'GET',
      url: `${this.opts.root}/crumbIssuer/api/json`,
      accept: 'application/json',
      timeoutMs: this.opts.getTimeoutMs,
    });
    if (res.status === 404) return { disabled: true };
    const crumb = readJson(res, crumbSchema, 'a CSRF crumb');
    const cookie = this.opts.jar.header(this.opts.rootOrigin);
    return { field: crumb.crumbRequestField, value: crumb.crumb, ...(cookie ? { cookie } : {}) };
  }
}
