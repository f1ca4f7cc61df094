// The API's HTTP plumbing: JSON answers, its errors, and bounded request bodies. Web-standard
// only (Request, Response, streams), like the rest of src/edge.

export const MAX_BODY_BYTES = 256 * 1024;

/** An answer other than 2xx, with the error type callers match on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers } });

export const errorResponse = (e: ApiError): Response =>
  json(e.status, { error: { type: e.type, message: e.message, ...(e.field !== undefined ? { field: e.field } : {}) } }, e.headers);

/** Reads a JSON body of at most MAX_BODY_BYTES; 415 when it is not JSON. An absent body is null unless required. */
export async function readJson(req: Request, required: boolean): Promise<unknown> {
  const length = Number(req.headers.get('content-length') ?? NaN);
  if (length > MAX_BODY_BYTES) throw new ApiError(413, 'PayloadTooLarge', `the body is limited to ${MAX_BODY_BYTES} bytes`);
  const bytes = await readLimited(req);
  if (bytes.length === 0 && !required) return null;
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(type)) {
    throw new ApiError(415, 'UnsupportedMediaType', 'the body must be JSON (content-type: application/json)');
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ApiError(400, 'InvalidJson', 'the body is not valid JSON');
  }
}

async function readLimited(req: Request): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new ApiError(413, 'PayloadTooLarge', `the body is limited to ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
