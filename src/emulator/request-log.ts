// The request log: every request to the Jenkins API (not the admin API), oldest first, with
// credentials, cookies, crumbs and job tokens replaced by '***'. Tests read it to check what a
// client sent, in which order, and what it was answered.
import type { JenkinsRequest } from './request.js';
import type { RecordedRequest } from './types.js';

export class RequestLog {
  private recorded: RecordedRequest[] = [];
  private seq = 0;

  constructor(
    /** The crumb field of the moment (its value is a secret too). */
    private readonly crumbField: () => string,
    private readonly clock: { now(): number },
  ) {}

  /** Copies of the recorded requests, oldest first. */
  list(filter: { method?: string; pathPrefix?: string } = {}): RecordedRequest[] {
    return this.recorded
      .map((r) => ({ ...r, query: { ...r.query }, headers: { ...r.headers } }))
      .filter(
        (r) =>
          (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
          (filter.pathPrefix === undefined || r.path.startsWith(filter.pathPrefix)),
      );
  }

  clear(): void {
    this.recorded = [];
  }

  /** Records the request with secrets replaced by '***'; status is filled in when known. */
  add(request: JenkinsRequest, body: Buffer): RecordedRequest {
    const crumbField = this.crumbField();
    const secretParam = (name: string): boolean => name === 'token' || name === crumbField;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      const v = Array.isArray(value) ? value.join(', ') : value;
      if (name === 'authorization') headers[name] = `${v.split(/\s+/)[0] ?? ''} ***`;
      else if (name === 'cookie') headers[name] = v.replace(/=[^;]*/g, '=***');
      else if (name === crumbField.toLowerCase()) headers[name] = '***';
      else headers[name] = v;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of request.query) query[name] ??= secretParam(name) ? '***' : value;
    let text = body.toString('utf8');
    const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(text);
      const redacted = new URLSearchParams();
      for (const [name, value] of form) redacted.append(name, secretParam(name) ? '***' : value);
      text = redacted.toString();
    } else if (contentType.startsWith('multipart/form-data')) {
      text = text.replace(/(;\s*name="([^"]*)"\r\n(?:[^\r\n]+\r\n)*\r\n)([^\r]*)/g, (whole, head: string, name: string) =>
        secretParam(name) ? `${head}***` : whole,
      );
    }
    const record: RecordedRequest = {
      seq: ++this.seq,
      at: this.clock.now(),
      method: request.method,
      path: request.pathname,
      query,
      headers,
      body: text,
      status: 0,
    };
    this.recorded.push(record);
    return record;
  }
}
