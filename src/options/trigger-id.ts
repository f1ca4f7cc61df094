/**
 * The default trigger id (its workflow id): `trigger-<job slug>-<8 random hex>`. Pure apart from
 * the web-standard crypto, so the library, the CLI and the edge API share it.
 */
export function defaultTriggerId(job: string): string {
  const slug = job
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(/\/job\//g, '/')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `trigger-${slug || 'job'}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}
