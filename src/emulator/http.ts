// Request body handling kept apart from routing: the routes see plain URLSearchParams and files.
import type { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Splits a request target without `new URL`, which would read `//x` as a host name. */
export function splitTarget(target: string): { pathname: string; search: string } {
  const q = target.indexOf('?');
  return q < 0 ? { pathname: target, search: '' } : { pathname: target.slice(0, q), search: target.slice(q) };
}

export interface ParsedBody {
  form: URLSearchParams;
  files: Map<string, { fileName: string; content: string }>;
}

/** application/x-www-form-urlencoded and multipart/form-data; other bodies carry no parameters. */
export function parseBody(contentType: string | undefined, body: Buffer): ParsedBody {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { form: new URLSearchParams(body.toString('utf8')), files: new Map() };
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (type.startsWith('multipart/form-data') && boundary) {
    return parseMultipart(body, (boundary[1] ?? boundary[2] ?? '').trim());
  }
  return { form: new URLSearchParams(), files: new Map() };
}

function parseMultipart(body: Buffer, boundary: string): ParsedBody {
  const result: ParsedBody = { form: new URLSearchParams(), files: new Map() };
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const afterDelimiter = pos + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const start = afterDelimiter + 2; // CRLF after the delimiter line
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, Math.max(start, next - 2)); // drop the CRLF before the next delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4).toString('utf8');
      const name = /;\s*name="([^"]*)"/i.exec(headers)?.[1];
      const fileName = /;\s*filename="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined && fileName !== undefined) result.files.set(name, { fileName, content });
      else if (name !== undefined) result.form.append(name, content);
    }
    pos = next;
  }
  return result;
}
