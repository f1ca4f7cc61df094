// Turn whatever fetch/ofetch/node threw into a JenkinsError. The distinction that matters most is
// whether a POST could have reached Jenkins: a refused connection is safe to re-send, a timeout
// or a reset after connecting is not (the build may already be queued).
import {
  JenkinsError,
  JenkinsNetworkError,
  JenkinsTimeoutError,
  JenkinsTlsError,
  type JenkinsErrorInit,
} from './errors.js';
import { redactUrl } from './redact.js';

/** Failures before any byte of the request left: safe to re-send even a POST. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Timeouts raised by undici itself rather than by our AbortSignal. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

export function classifyError(e: unknown, method: string, url: string): JenkinsError {
  if (e instanceof JenkinsError) return e;
  const chain = causeChain(e);
  const codes = chain.map((c) => c.code).filter((c): c is string => typeof c === 'string');
  const names = chain.map((c) => c.name);
  const isGet = method.toUpperCase() === 'GET';
  const where = `${method} ${redactUrl(url)}`;
  const detail = describe(chain);
  const base = { method, url, cause: e };

  if (names.includes('TimeoutError') || codes.some((c) => TIMEOUT_CODES.has(c))) {
    // The request may have been processed: only a GET is safe to repeat.
    return new JenkinsTimeoutError(`${where} failed: no answer within the timeout`, {
      ...base,
      retryable: isGet,
      requestSent: 'unknown',
    });
  }
  const tlsCode = codes.find((c) => TLS_CODE.test(c));
  if (tlsCode) {
    return new JenkinsTlsError(
      `${where} failed: TLS handshake failed (${tlsCode}). The certificate might not be trusted; ` +
        `set 'trustAllCertificates' only if you want to accept untrusted certificates`,
      { ...base, retryable: false, requestSent: 'no' },
    );
  }
  const connectCode = codes.find((c) => CONNECT_CODES.has(c));
  if (connectCode) {
    return new JenkinsNetworkError(`${where} failed: could not connect (${connectCode})`, {
      ...base,
      retryable: true,
      requestSent: 'no',
    });
  }
  if (names.includes('AbortError')) {
    // Our timeouts are TimeoutErrors, so this is a cancellation from outside; never retry it here.
    return new JenkinsNetworkError(`${where} failed: request aborted`, {
      ...base,
      retryable: false,
      requestSent: 'unknown',
    });
  }
  // Reset, socket closed, malformed response, ...: the request may have reached Jenkins.
  const init: JenkinsErrorInit = { ...base, retryable: isGet, requestSent: 'unknown' };
  return new JenkinsNetworkError(`${where} failed: ${detail}`, init);
}

interface ErrorLike {
  name: string;
  code?: unknown;
  message: string;
}

/** ofetch wraps fetch's TypeError('fetch failed'), which wraps the socket error: look at all of them. */
function causeChain(e: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let current: unknown = e;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (typeof current !== 'object') {
      out.push({ name: 'Error', message: String(current) });
      break;
    }
    const c = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    out.push({ name: String(c.name ?? 'Error'), code: c.code, message: String(c.message ?? '') });
    current = c.cause;
  }
  return out;
}

/** The innermost message is the informative one ('socket hang up', 'other side closed'). */
function describe(chain: ErrorLike[]): string {
  const inner = chain[chain.length - 1];
  if (!inner) return 'unknown error';
  const code = typeof inner.code === 'string' ? ` (${inner.code})` : '';
  // Messages of socket errors can contain the URL; redact just in case.
  return redactUrl(inner.message || inner.name) + code;
}
