// The schema of temporal.yaml and parseConfig, free of Node (the edge API parses its
// configuration with it); config.ts adds reading the file.
//
// temporal.yaml: the plugin's global "Remote Hosts" list (docs/plugin-compat.md §2), the
// credentials they reference, and where to find Temporal. Secrets are never written in this
// file either: a credential names the environment variable or file that holds it.
import { z } from 'zod';
import { USER_INFO_MESSAGE, hasUserInfo, isHttpUrl, jenkinsUrlProblem } from '../jenkins/url-rules.js';
import { AuthOptionSchema } from './auth.js';
import { OptionsError } from './errors.js';

// The same rules as remoteJenkinsUrl (the plugin's isURL, no user info, no query), so a host is
// valid in both places. The value is never repeated in a message: it may hold a password.
const urlString = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const problem = hasUserInfo(v) ? USER_INFO_MESSAGE : !isHttpUrl(v) ? 'must be an http(s) URL' : jenkinsUrlProblem(v, 'root');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** An environment variable name, or a prefix pattern ending in '*'. */
const envPattern = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, "must be a variable name or a prefix ending in '*' (e.g. JENKINS_TOKEN_*)");

export const RemoteHostSchema = z.strictObject({
  /** The key that remoteJenkinsName looks up (exact, case-sensitive). */
  name: z.string().trim().min(1),
  url: urlString,
  auth: AuthOptionSchema.optional(),
  trustAllCertificates: z.boolean().default(false),
  maxConn: z
    .number()
    .int()
    .optional()
    .transform((v) => (v === undefined ? undefined : Math.min(5, Math.max(1, v)))),
  hasBuildTokenRootSupport: z.boolean().default(false),
  /** The default of the step's useCrumbCache for triggers naming this host; the step's own value wins. */
  useCrumbCache: z.boolean().optional(),
  /** The default of the step's useJobInfoCache for triggers naming this host; the step's own value wins. */
  useJobInfoCache: z.boolean().optional(),
  /**
   * Other origins that may receive this host's credentials when a full job URL points there
   * (for example the same Jenkins under a second name). By default credentials go only to
   * the origin of `url`.
   */
  credentialOrigins: z.array(urlString).default([]),
  /** Name of a job parameter that receives the trigger id, used to find the build after a lost answer. */
  markerParameter: z.string().min(1).optional(),
});
export type RemoteHost = z.output<typeof RemoteHostSchema>;

/**
 * The origins of remote hosts: each host's url and credentialOrigins. Where a host's credentials
 * may go, and (for all hosts) where a shared worker may send requests at all.
 */
export function originsOf(hosts: readonly RemoteHost[]): Set<string> {
  const out = new Set<string>();
  for (const h of hosts) for (const u of [h.url, ...h.credentialOrigins]) out.add(new URL(u).origin);
  return out;
}

export const CredentialSchema = z
  .strictObject({
    username: z.string().min(1).optional(),
    passwordEnv: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    tokenEnv: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    /** The password is a Jenkins API token: Jenkins then needs no CSRF crumb. */
    apiToken: z.boolean().default(false),
    /**
     * Origins this credential may be sent to. Default: those of the remote hosts whose `auth`
     * names it (url and credentialOrigins), or of every remote host when none does.
     */
    origins: z.array(urlString).optional(),
  })
  .refine((c) => [c.passwordEnv, c.passwordFile, c.tokenEnv, c.tokenFile].filter(Boolean).length === 1, {
    message: 'a credential needs exactly one of passwordEnv, passwordFile, tokenEnv or tokenFile',
  })
  .refine((c) => !(c.passwordEnv || c.passwordFile) || c.username, {
    message: 'a username/password credential needs a username',
  });
export type Credential = z.output<typeof CredentialSchema>;

/**
 * A token of the HTTP API, named by reference (never written here): an environment variable
 * or a file. `remoteHosts` and `jobs` limit what its holder may target and see.
 */
export const ApiTokenSchema = z
  .strictObject({
    env: z.string().min(1).optional(),
    file: z.string().min(1).optional(),
    /** Names of remote hosts (remoteHosts[].name) this token may target; all when absent. */
    remoteHosts: z.array(z.string().min(1)).optional(),
    /** Job full names ('team/deploy') or patterns with '*' ('team/*'); all when absent. */
    jobs: z.array(z.string().min(1)).optional(),
  })
  .refine((t) => [t.env, t.file].filter(Boolean).length === 1, { message: 'an API token needs exactly one of env or file' });
export type ApiTokenRef = z.output<typeof ApiTokenSchema>;

export const ApiConfigSchema = z.strictObject({
  tokens: z.array(ApiTokenSchema).default([]),
  /**
   * Origins a trigger started through the API may target besides the remote hosts' (full job
   * URLs and remoteJenkinsUrl). Without this, the API refuses them with 403.
   */
  allowOrigins: z.array(urlString).default([]),
});

export const ConfigSchema = z.strictObject({
  temporal: z
    .strictObject({
      address: z.string().min(1).optional(),
      namespace: z.string().min(1).default('default'),
      taskQueue: z.string().min(1).default('remote-trigger'),
    })
    .default({ namespace: 'default', taskQueue: 'remote-trigger' }),
  stateDir: z.string().min(1).optional(),
  /** Where workers keep the remote console of triggers with enhancedLogging. Default: <stateDir>/console. */
  consoleDir: z.string().min(1).optional(),
  markerParameter: z.string().min(1).default('REMOTE_TRIGGER_ID'),
  remoteHosts: z
    .array(RemoteHostSchema)
    .default([])
    .superRefine((hosts, ctx) => {
      const seen = new Set<string>();
      hosts.forEach((h, i) => {
        if (seen.has(h.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate remote host name '${h.name}'` });
        seen.add(h.name);
      });
    }),
  credentials: z.record(z.string(), CredentialSchema).default({}),
  /**
   * Origins a shared worker (`remote-trigger worker`) may send requests to besides the remote
   * hosts'. Requests only: no credential goes there unless the credential's `origins` lists it.
   * `['*']` opens the worker to any URL, like the CLI's embedded worker.
   */
  allowOrigins: z
    .array(z.union([z.literal('*'), urlString]))
    .default([]),
  /**
   * Environment variables that trigger options may name as secrets (TokenAuth apiTokenEnv,
   * BearerTokenAuth tokenEnv, token {env}): exact names or prefixes ending in '*'. A worker
   * reads no other variable for a caller. Such secrets go only to the remote hosts' origins.
   */
  secretEnvAllow: z.array(envPattern).default([]),
  /** Files or directories (ending in '/') that trigger options may name as secrets; same rules. */
  secretFileAllow: z.array(z.string().trim().min(1)).default([]),
  /**
   * Origins that completion webhooks (the `notify` option) may be sent to. A worker POSTs to no
   * other origin, and the API refuses other `notify` URLs with 403.
   */
  notifyOrigins: z.array(urlString).default([]),
  /** The HTTP API (`remote-trigger serve`, the Deno entry): who may call it, and what it lets callers target. */
  api: ApiConfigSchema.default({ tokens: [], allowOrigins: [] }),
});
export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export function parseConfig(data: unknown, source = 'temporal.yaml'): Config {
  const r = ConfigSchema.safeParse(data ?? {});
  if (!r.success) {
    const e = OptionsError.fromZod(r.error);
    throw new OptionsError(`${source}: ${e.message}`, e.field, e.issues);
  }
  const config = r.data;
  // Every credentials reference must exist, so a typo fails before anything starts.
  config.remoteHosts.forEach((h, i) => {
    const id = h.auth && 'credentials' in h.auth ? h.auth.credentials : undefined;
    if (id && !config.credentials[id]) {
      throw new OptionsError(`${source}: remoteHosts[${i}].auth: unknown credentials id '${id}'`, `remoteHosts[${i}].auth.credentials`);
    }
  });
  return config;
}

export const emptyConfig = (): Config => parseConfig({});

