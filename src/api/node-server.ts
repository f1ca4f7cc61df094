import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves a web-standard fetch handler on node:http (Node 20 has no built-in adapter). The
 * request body is passed as a stream, so the handler's own size limit applies while reading.
 */
export async function serveFetch(
  handler: (req: Request) => Promise<Response>,
  o: { port: number; host: string },
): Promise<{ server: http.Server; url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = `http://${req.headers.host ?? `${o.host}:${o.port}`}${req.url ?? '/'}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const body = hasBody ? bodyStream(req) : null;
      const request = new Request(url, {
        method: req.method,
        headers,
        body: body?.stream,
        duplex: 'half',
      });
      const response = await handler(request);
      // Whatever the handler did not read (it answered before, e.g. 413 on content-length) is
      // drained, so the client can finish sending and read the answer on a live connection.
      body?.discard();
      const out: Record<string, string> = {};
      response.headers.forEach((v, k) => (out[k] = v));
      res.writeHead(response.status, out);
      if (req.method === 'HEAD' || !response.body) return void res.end();
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"type":"InternalError","message":"internal error"}}');
    }
  });
  // The bench and many small clients reuse connections.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}

/**
 * The request body as a web stream with backpressure. When the handler stops reading (a body
 * over its limit), the rest is drained instead of destroying the socket, so the client still
 * reads the 413 answer.
 */
function bodyStream(req: http.IncomingMessage): { stream: ReadableStream<Uint8Array>; discard(): void } {
  let cancelled = false;
  const discard = () => {
    cancelled = true;
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.once('end', () => !cancelled && controller.close());
      req.once('error', (e) => !cancelled && controller.error(e));
    },
    pull() {
      req.resume();
    },
    cancel() {
      discard();
    },
  });
  return { stream, discard };
}
