// A per-client cookie jar. Since Jenkins 2.176.2 a crumb is only valid in the web session it was
// issued in, so the JSESSIONID.* cookie from the crumb request must go back with the POST.
// The plugin relied on a JVM-wide cookie manager for this; here it is explicit and per client.

export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  /** Remember the cookies of `Set-Cookie` headers; Max-Age=0 or a past Expires deletes. */
  store(origin: string, setCookieHeaders: string[]): void {
    for (const header of setCookieHeaders) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (isExpired(attributes)) this.cookies(origin).delete(name);
      else this.cookies(origin).set(name, value);
    }
  }

  /** Replace the jar's cookies for an origin with a `Cookie` header value (from a cached crumb). */
  restore(origin: string, cookieHeader: string): void {
    const jar = this.cookies(origin);
    jar.clear();
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }

  clear(origin: string): void {
    this.byOrigin.delete(origin);
  }

  /** The `Cookie` header value for an origin, or undefined when there is none. */
  header(origin: string): string | undefined {
    const jar = this.byOrigin.get(origin);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private cookies(origin: string): Map<string, string> {
    let jar = this.byOrigin.get(origin);
    if (!jar) this.byOrigin.set(origin, (jar = new Map()));
    return jar;
  }
}

function isExpired(attributes: string[]): boolean {
  for (const attribute of attributes) {
    const [key = '', value = ''] = attribute.split('=').map((s) => s.trim());
    if (/^max-age$/i.test(key) && Number(value) <= 0) return true;
    if (/^expires$/i.test(key) && Date.parse(value) < Date.now()) return true;
  }
  return false;
}
