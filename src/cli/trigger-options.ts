import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { resolveAuth, resolveSecret } from '../activities/secrets.js';
import { DEFAULT_TRUST_POLICY, authorizeTarget } from '../activities/trust.js';
import type { Config } from '../options/config.js';
import { OptionsError } from '../options/errors.js';
import { type ParameterList, mergeParameters } from '../options/parameters.js';
import type { StepOptionsInput } from '../options/step-options.js';
import { resolveParameterList, type TriggerInput } from '../options/trigger-input.js';
import { intFlag, type Parsed, UsageError } from './flags.js';
import type { TRIGGER_FLAGS } from './trigger-flags.js';

type TriggerFlagValues = Parsed<typeof TRIGGER_FLAGS>['values'];

/** The flags of `trigger` as step options: an --options file first, the flags over it. */
export async function optionsFromFlags(v: TriggerFlagValues): Promise<Record<string, unknown>> {
  const o: Record<string, unknown> = v.options ? await readOptionsFile(v.options) : {};
  const set = (key: keyof StepOptionsInput, value: unknown) => {
    if (value !== undefined) o[key] = value;
  };
  set('job', v.job);
  set('remoteJenkinsName', v['remote-jenkins-name']);
  set('remoteJenkinsUrl', v['remote-jenkins-url']);
  set('parameters', v.parameters);
  set('parameterFile', v['parameter-file']);
  if (v.param) {
    // --param K=V overrides or adds to the parameters of --parameters, --parameter-file and
    // --options (like helm's --set over -f values.yaml): read those first, then merge.
    const base = await resolveParameterList(o, process.cwd());
    const merged = mergeParameters(base, paramFlagsToList(v.param));
    o.parameters = { parameters: merged.map(([name, value]) => ({ name, value })) };
    delete o.parameterFile;
    delete o.loadParamsFromFile;
  }
  if (v['no-block-build-until-complete']) o.blockBuildUntilComplete = false;
  set('pollInterval', intFlag(v['poll-interval'], 'poll-interval'));
  set('queuePollInterval', intFlag(v['queue-poll-interval'], 'queue-poll-interval'));
  set('timeout', intFlag(v.timeout, 'timeout'));
  set('maxConn', intFlag(v['max-conn'], 'max-conn'));
  set('httpGetReadTimeout', intFlag(v['http-get-read-timeout'], 'http-get-read-timeout'));
  set('httpPostReadTimeout', intFlag(v['http-post-read-timeout'], 'http-post-read-timeout'));
  if (v['abort-triggered-job']) o.abortTriggeredJob = true;
  if (v['should-not-fail-build']) o.shouldNotFailBuild = true;
  if (v['enhanced-logging']) o.enhancedLogging = true;
  if (v['trust-all-certificates']) Object.assign(o, { trustAllCertificates: true, overrideTrustAllCertificates: true });
  if (v['use-crumb-cache']) o.useCrumbCache = true;
  if (v['use-job-info-cache']) o.useJobInfoCache = true;
  if (v['prevent-remote-build-queue']) o.preventRemoteBuildQueue = true;
  if (v.disabled) o.disabled = true;
  if (v['secret-parameter']) o.secretParameters = v['secret-parameter'];
  if (v['allow-undefined-parameters']) o.allowUndefinedParameters = true;
  if (v['file-param']) {
    const files: Record<string, string> = {};
    for (const f of v['file-param']) {
      const eq = f.indexOf('=');
      if (eq <= 0 || eq === f.length - 1) throw new UsageError(`--file-param expects NAME=PATH, got '${f}'`, 'file-param');
      const name = f.slice(0, eq).trim();
      if (name in files) throw new UsageError(`--file-param: duplicate file parameter '${name}'`, 'file-param');
      files[name] = f.slice(eq + 1);
    }
    o.fileParameters = { ...((o.fileParameters as Record<string, string> | undefined) ?? {}), ...files };
  }
  if (v['token-env'] !== undefined) {
    if (v['token-env'].trim() === '') throw new UsageError('--token-env must name an environment variable', 'token');
    o.token = { env: v['token-env'] };
  }
  const auth = authFromFlags(v);
  if (auth) o.auth = auth;
  const notify = notifyFromFlags(v['notify-url'], v['notify-secret-env']);
  if (notify) o.notify = notify;
  return o;
}

/** --notify-url URL --notify-secret-env VAR, paired in order; one VAR serves every URL. */
function notifyFromFlags(urls: string[] | undefined, envs: string[] | undefined): Array<{ url: string; secret: { env: string } }> | null {
  if (!urls?.length && !envs?.length) return null;
  if (!urls?.length) throw new UsageError('--notify-secret-env needs --notify-url', 'notify');
  if (!envs?.length) throw new UsageError('--notify-url needs --notify-secret-env VAR (the webhook is signed with that secret)', 'notify');
  if (envs.length !== 1 && envs.length !== urls.length) throw new UsageError('give one --notify-secret-env, or one per --notify-url', 'notify');
  return urls.map((url, i) => ({ url, secret: { env: (envs[i] ?? envs[0])! } }));
}

function paramFlagsToList(params: string[]): ParameterList {
  // --param K=V is one parameter each, so a value may hold newlines.
  const list: ParameterList = [];
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects NAME=value, got '${p}'`, 'param');
    const key = p.slice(0, eq).trim();
    if (list.some(([k]) => k === key)) throw new UsageError(`--param: duplicate parameter '${key}'`, 'param');
    list.push([key, p.slice(eq + 1)]);
  }
  return list;
}

function authFromFlags(v: TriggerFlagValues): Record<string, unknown> | undefined {
  const kind = v.auth;
  const extra = v.user ?? v['api-token-env'] ?? v.credentials;
  if (!kind) {
    if (extra !== undefined) throw new UsageError('--user, --api-token-env and --credentials need --auth', 'auth');
    return undefined;
  }
  switch (kind) {
    case 'none':
      return { type: 'NoneAuth' };
    case 'token':
      if (!v.user) throw new UsageError('--auth token needs --user NAME', 'auth.userName');
      if (!v['api-token-env'] && !v.credentials) throw new UsageError('--auth token needs --api-token-env VAR or --credentials ID', 'auth.apiTokenEnv');
      return { type: 'TokenAuth', userName: v.user, ...(v['api-token-env'] ? { apiTokenEnv: v['api-token-env'] } : { credentials: v.credentials }) };
    case 'bearer':
      if (!v['api-token-env'] && !v.credentials) throw new UsageError('--auth bearer needs --api-token-env VAR or --credentials ID', 'auth.tokenEnv');
      return { type: 'BearerTokenAuth', ...(v['api-token-env'] ? { tokenEnv: v['api-token-env'] } : { credentials: v.credentials }) };
    case 'credentials':
      if (!v.credentials) throw new UsageError('--auth credentials needs --credentials ID', 'auth.credentials');
      return { type: 'CredentialsAuth', credentials: v.credentials };
    default:
      throw new UsageError(`--auth must be none, token, bearer or credentials, not '${kind}'`, 'auth');
  }
}

async function readOptionsFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--options: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'options');
  }
  let data: unknown;
  try {
    data = parseYaml(text); // YAML is a superset of JSON
  } catch (e) {
    throw new UsageError(`--options: ${file} is neither JSON nor YAML: ${(e as Error).message.split('\n')[0]}`, 'options');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`--options: ${file} must hold one object with the step's option names`, 'options');
  }
  return data as Record<string, unknown>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The local service resolves secrets from the same configuration: what it would refuse or could
 * not resolve is an invalid configuration, said before anything starts.
 */
export function checkSecretsResolvable(input: TriggerInput, config: Config): void {
  try {
    authorizeTarget(input.target, input.token, config, { ...DEFAULT_TRUST_POLICY, allowAnyOrigin: true });
    resolveAuth(input.target.auth, config, process.env);
    if (input.token) resolveSecret(input.token, config, process.env);
  } catch (e) {
    throw new OptionsError((e as Error).message, 'auth');
  }
}
