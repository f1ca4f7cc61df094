// Handlers build a Reply instead of writing to the socket, so that faults such as
// acceptThenDrop can process a request fully and then decide not to deliver the answer.
import { randomUUID } from 'node:crypto';

export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

/** Thrown by checks deep inside a handler to answer early (permission, missing job, ...). */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

export const JSON_TYPE = 'application/json;charset=UTF-8';
export const HTML_TYPE = 'text/html;charset=utf-8';
export const TEXT_TYPE = 'text/plain;charset=UTF-8';

export function jsonReply(value: unknown, status = 200): Reply {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(value) };
}

export function textReply(body: string | Buffer, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': TEXT_TYPE, ...headers }, body };
}

export function htmlReply(body: string, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': HTML_TYPE, ...headers }, body };
}

export function emptyReply(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: '' };
}

export function redirect(status: number, location: string): Reply {
  return emptyReply(status, { Location: location });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Jenkins' own 404 page (2.421+). */
export function notFoundPage(): Reply {
  return htmlReply(
    `<!DOCTYPE html><html><head><title>Jenkins</title></head><body id="jenkins">` +
      `<div id="main-panel"><h1>Oops!</h1><h2>Not Found</h2>` +
      `<p>This page may not exist, or you may not have permission to see it.</p></div></body></html>`,
    404,
  );
}

/** The servlet container's sendError page (Jetty 10 table layout); the message is in <title> and body. */
export function errorPage(status: number, message: string, uri: string, headers: Record<string, string> = {}): Reply {
  const m = escapeHtml(message);
  return htmlReply(
    `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n` +
      `<title>Error ${status} ${m}</title>\n</head>\n<body><h2>HTTP ERROR ${status} ${m}</h2>\n<table>\n` +
      `<tr><th>URI:</th><td>${escapeHtml(uri)}</td></tr>\n<tr><th>STATUS:</th><td>${status}</td></tr>\n` +
      `<tr><th>MESSAGE:</th><td>${m}</td></tr>\n<tr><th>SERVLET:</th><td>Stapler</td></tr>\n</table>\n` +
      `<hr/><a href="https://eclipse.org/jetty">Powered by Jetty:// 10.0.20</a><hr/>\n</body>\n</html>\n`,
    status,
    headers,
  );
}

/** Jenkins' /oops page for uncaught exceptions; the status is kept as given. */
export function oopsPage(status = 500): Reply {
  return htmlReply(
    `<!DOCTYPE html><html><head><title>Jenkins</title></head><body id="jenkins"><div id="main-panel">` +
      `<h1>Oops!</h1><div id="error-description"><h2>A problem occurred while processing the request.</h2>` +
      `<p>Logging ID=${randomUUID()}</p></div></div></body></html>`,
    status,
  );
}

export function restartingPage(): Reply {
  return htmlReply(
    `<!DOCTYPE html><html><head><title>Jenkins</title><meta http-equiv="refresh" content="5"></head>` +
      `<body><h1>Please wait while Jenkins is restarting</h1><p>Jenkins is restarting</p>` +
      `<p>Your browser will reload automatically when Jenkins is ready.</p></body></html>`,
    503,
  );
}

/** What HudsonAuthenticationEntryPoint sends to anonymous callers lacking a permission: a 403, not a 3xx. */
export function loginRedirectPage(from: string, permission = 'hudson.model.Hudson.Read'): Reply {
  const target = `/login?from=${encodeURIComponent(from)}`;
  return htmlReply(
    `<html><head><meta http-equiv='refresh' content='1;url=${target}'/>` +
      `<script>window.location.replace('${target}');</script></head>` +
      `<body style='background-color:white; color:white;'>\n\nAuthentication required\n<!--\n` +
      `You are authenticated as: anonymous\nGroups that you are in:\n  \n` +
      `Permission you need to have (but didn't): ${permission}\n -->\n\n</body></html>`,
    403,
    {
      'X-You-Are-Authenticated-As': 'anonymous',
      'X-Required-Permission': permission,
      'X-Permission-Implied-By': 'hudson.model.Hudson.Administer',
    },
  );
}

/** Stands in for a proxy or SSO sign-in page answered with 200: clients must check Content-Type. */
export function ssoLoginPage(): Reply {
  return htmlReply(
    `<!DOCTYPE html><html><head><title>Sign in</title></head><body>` +
      `<form method="post" action="/sso/login"><h1>Sign in to continue</h1>` +
      `<input name="username"/><input name="password" type="password"/><button>Sign in</button></form></body></html>`,
  );
}

/** The requirePOST page Jenkins renders for a GET on a POST-only URL. */
export function requirePostPage(): Reply {
  return htmlReply(
    `<!DOCTYPE html><html><head><title>Jenkins</title></head><body><h1>This URL requires POST</h1>` +
      `<p>The URL you're trying to access requires that requests be sent using POST (like a form submission).</p>` +
      `<form method="POST"><input type="submit" value="Proceed"/></form></body></html>`,
    405,
    { Allow: 'POST' },
  );
}
