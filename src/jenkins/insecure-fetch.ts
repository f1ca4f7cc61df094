// A minimal fetch() over node:https with certificate checks off, for trustAllCertificates.
//
// Why not the global fetch: node 20's fetch honours an undici `dispatcher` option, but node does
// not export undici's Agent, and a second copy of undici as a dependency is not worth one
// option. (The global dispatcher's constructor only becomes reachable after a first fetch: too
// fragile.) So for this one option we speak HTTP through node:https with a per-client Agent;
// ofetch sits on top as usual, so the rest of the client does not know the difference.
//
// Only what the Jenkins client uses is supported: string / FormData / URLSearchParams bodies,
// redirect 'manual' (redirects are never followed here; the client follows them itself), signal.
import http from 'node:http';
import https from 'node:https';

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

export function createInsecureFetch(): typeof fetch {
  const agent = new https.Agent({ rejectUnauthorized: false });

  return async function insecureFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body = await serialiseBody(init.body, headers);
    if (body) headers.set('content-length', String(body.byteLength));
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();

    return new Promise<Response>((resolve, reject) => {
      const options: https.RequestOptions = { method, headers: Object.fromEntries(headers) };
      if (url.protocol === 'https:') options.agent = agent;
      const request = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            responseHeaders.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
          }
          resolve(
            new Response(NULL_BODY_STATUS.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        });
      });
      // Destroying with the signal's reason makes a timeout surface as the same TimeoutError
      // that the global fetch would throw, so error classification is shared.
      const onAbort = (): void => void request.destroy(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('close', () => signal?.removeEventListener('abort', onAbort));
      request.on('error', reject);
      request.end(body);
    });
  } as typeof fetch;
}

async function serialiseBody(body: RequestInit['body'], headers: Headers): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  // Let the platform encode multipart and pick the boundary, as fetch would.
  const encoded = new Response(body as ConstructorParameters<typeof Response>[0]);
  const contentType = encoded.headers.get('content-type');
  if (contentType && !headers.has('content-type')) headers.set('content-type', contentType);
  return Buffer.from(await encoded.arrayBuffer());
}
