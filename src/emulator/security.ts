import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmulatorScenario, EmulatorUser } from './types.js';

/** Who a request runs as. `viaApiToken` matters because API-token requests skip the crumb check. */
export interface Identity {
  /** null = anonymous */
  user: string | null;
  viaApiToken: boolean;
}

export const ANONYMOUS: Identity = { user: null, viaApiToken: false };

export type AuthOutcome = { ok: true; identity: Identity } | { ok: false; message: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Users, permissions, web sessions and crumbs. Sessions live in memory only, like Jetty's, so a
 * restart invalidates every session and therefore every crumb issued before it.
 */
export class Security {
  readonly cookieName: string;
  readonly csrfEnabled: boolean;
  readonly crumbField: string;
  private readonly users: EmulatorUser[];
  private readonly anonymousRead: boolean;
  private readonly anonymousBuild: boolean;
  private readonly secret = randomBytes(32).toString('hex');
  private readonly sessions = new Set<string>();

  constructor(scenario: EmulatorScenario) {
    this.users = scenario.security?.users ?? [];
    // "Anyone can do anything" without users, "logged-in users can do anything" with them.
    const openByDefault = this.users.length === 0;
    this.anonymousRead = scenario.security?.anonymousRead ?? openByDefault;
    this.anonymousBuild = this.anonymousRead && (scenario.security?.anonymousBuild ?? openByDefault);
    this.csrfEnabled = scenario.csrf?.enabled ?? true;
    this.crumbField = scenario.csrf?.field ?? 'Jenkins-Crumb';
    this.cookieName = `JSESSIONID.${scenario.cookieSuffix ?? randomBytes(4).toString('hex')}`;
  }

  /** Mirrors BasicHeaderProcessor: a present but wrong credential is a 401, never a fallback to anonymous. */
  authenticate(authorization: string | undefined): AuthOutcome {
    if (!authorization) return { ok: true, identity: ANONYMOUS };
    const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
    const value = rest.join(' ');
    if (scheme.toLowerCase() === 'bearer') {
      const user = this.users.find((u) => (u.bearerTokens ?? []).some((t) => sameSecret(t, value)));
      return user ? { ok: true, identity: { user: user.name, viaApiToken: false } } : { ok: false, message: 'Unauthorized' };
    }
    if (scheme.toLowerCase() !== 'basic') return { ok: true, identity: ANONYMOUS };
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, message: 'Malformed HTTP basic Authorization header' };
    const name = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const user = this.users.find((u) => u.name === name);
    if (user && (user.apiTokens ?? []).some((t) => sameSecret(t, secret))) {
      return { ok: true, identity: { user: user.name, viaApiToken: true } };
    }
    if (user && user.password !== undefined && sameSecret(user.password, secret)) {
      return { ok: true, identity: { user: user.name, viaApiToken: false } };
    }
    return { ok: false, message: 'Unauthorized' };
  }

  canRead(identity: Identity): boolean {
    return identity.user !== null || this.anonymousRead;
  }

  canBuild(identity: Identity): boolean {
    return identity.user !== null || this.anonymousBuild;
  }

  /** The session id from the request's cookie, if it names a session this instance issued. */
  sessionOf(cookieHeader: string | undefined): string | undefined {
    for (const part of (cookieHeader ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      if (part.slice(0, eq).trim() === this.cookieName) {
        const id = part.slice(eq + 1).trim();
        if (this.sessions.has(id)) return id;
      }
    }
    return undefined;
  }

  newSession(): string {
    const id = `node0${randomBytes(12).toString('hex')}`;
    this.sessions.add(id);
    return id;
  }

  /** DefaultCrumbIssuer: sha256 over user name and session id, salted with an instance secret. */
  crumbFor(identity: Identity, sessionId: string): string {
    return createHash('sha256')
      .update(`${identity.user ?? 'anonymous'};${sessionId};${this.secret}`)
      .digest('hex');
  }

  /** True when the POST may proceed as far as CSRF protection is concerned. */
  crumbAccepted(identity: Identity, cookieHeader: string | undefined, crumb: string | undefined): boolean {
    if (!this.csrfEnabled || identity.viaApiToken) return true;
    const session = this.sessionOf(cookieHeader);
    if (!session || !crumb) return false;
    return sameSecret(crumb, this.crumbFor(identity, session));
  }

  forgetSessions(): void {
    this.sessions.clear();
  }
}
