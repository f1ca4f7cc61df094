// A Jenkins request as the routes see it, and the small readers and answers they share.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { htmlReply, loginRedirectPage, ReplyError, type Reply } from './responses.js';
import type { Identity } from './security.js';

/** A parsed request, independent of node:http so handlers stay synchronous and testable. */
export interface JenkinsRequest {
  method: string;
  /** Raw (still percent-encoded) pathname. */
  pathname: string;
  query: URLSearchParams;
  /** Non-file fields of an urlencoded or multipart body. */
  form: URLSearchParams;
  files: Map<string, { fileName: string; content: string }>;
  headers: IncomingHttpHeaders;
  remoteAddr: string;
}

/** A request with the identity it authenticated as. */
export interface Ctx extends JenkinsRequest {
  identity: Identity;
}

/** Stapler's getParameterValues: query string and body together. */
export function values(ctx: JenkinsRequest, name: string): string[] {
  return [...ctx.query.getAll(name), ...ctx.form.getAll(name)];
}

export function param(ctx: JenkinsRequest, name: string): string | undefined {
  return values(ctx, name)[0];
}

export function header(ctx: JenkinsRequest, name: string): string | undefined {
  const v = ctx.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const fail = (reply: Reply): never => {
  throw new ReplyError(reply);
};

/** 403 Access Denied (or, for anonymous, the login redirect) naming the missing permission. */
export function denied(ctx: Ctx, permission: string, message = 'Access denied'): never {
  if (ctx.identity.user === null) fail(loginRedirectPage(ctx.pathname, permission));
  return fail(
    htmlReply(`<!DOCTYPE html><html><head><title>Access Denied [Jenkins]</title></head><body><h1>Access Denied</h1><p>${message}</p></body></html>`, 403, {
      'X-You-Are-Authenticated-As': ctx.identity.user ?? 'anonymous',
      'X-Required-Permission': permission,
    }),
  );
}

export function isRead(ctx: JenkinsRequest): boolean {
  return ctx.method === 'GET' || ctx.method === 'HEAD';
}
