import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { resolveSecret, resolveAuth } from './activities/secrets.js';
import { DEFAULT_TRUST_POLICY, authorizeTarget } from './activities/trust.js';
import { type ParameterList, mergeParameters } from './options/parameters.js';
import { RemoteJobHandle, RemoteTriggerError } from './handle.js';
import { defaultTriggerId, startOrAttach } from './client.js';
import { ConsoleTail } from './console-tail.js';
import { type Config, loadConfig } from './options/config.js';
import { OptionsError } from './options/errors.js';
import { buildTriggerInput, resolveParameterList, type TriggerInput } from './options/trigger-input.js';
import type { StepOptionsInput } from './options/step-options.js';
import { TriggerRuntime } from './runtime.js';
import { installLogger, logFormat, setLogContext, writeLog, type LogFormat } from './logging.js';
import { freePort } from './temporal/embedded-server.js';
import { HOW_TO_GET_TEMPORAL } from './temporal/cli-path.js';
import { temporalMode } from './temporal/connect.js';
import { describeConfig, ensureLocalService, configIdentity, idleMinutesFromEnv, readServiceRecord, rssOf, runningService, SERVICE_LOG, stopLocalService } from './temporal/local-service.js';
import { stateDir } from './temporal/state-dir.js';
import { exportedVariables, formatEnvFile } from './exported-vars.js';
import type { TriggerState } from './workflows/state.js';
import { exitCodeOfFailure, FailureTypes } from './contract/failures.js';
import { failureOf } from './errors.js';

/**
 * `remote-trigger`: the step on the command line. The contract (flags, JSON, exit codes) is in
 * the README; other tools script against it, so keep it stable.
 */
export const EXIT = { ok: 0, remoteFailed: 1, invalid: 2, unreachable: 3, notFound: 4, rejected: 5 } as const;

export class UsageError extends OptionsError {}

const triggerFlags = {
  job: { type: 'string' },
  'remote-jenkins-name': { type: 'string' },
  'remote-jenkins-url': { type: 'string' },
  parameters: { type: 'string' },
  param: { type: 'string', multiple: true },
  'parameter-file': { type: 'string' },
  'file-param': { type: 'string', multiple: true },
  'no-block-build-until-complete': { type: 'boolean' },
  'poll-interval': { type: 'string' },
  'queue-poll-interval': { type: 'string' },
  timeout: { type: 'string' },
  'abort-triggered-job': { type: 'boolean' },
  'should-not-fail-build': { type: 'boolean' },
  'enhanced-logging': { type: 'boolean' },
  'max-conn': { type: 'string' },
  'trust-all-certificates': { type: 'boolean' },
  'use-crumb-cache': { type: 'boolean' },
  'use-job-info-cache': { type: 'boolean' },
  'prevent-remote-build-queue': { type: 'boolean' },
  disabled: { type: 'boolean' },
  'http-get-read-timeout': { type: 'string' },
  'http-post-read-timeout': { type: 'string' },
  'secret-parameter': { type: 'string', multiple: true },
  'allow-undefined-parameters': { type: 'boolean' },
  auth: { type: 'string' },
  user: { type: 'string' },
  'api-token-env': { type: 'string' },
  credentials: { type: 'string' },
  'token-env': { type: 'string' },
  'notify-url': { type: 'string', multiple: true },
  'notify-secret-env': { type: 'string', multiple: true },
  id: { type: 'string' },
  json: { type: 'boolean' },
  options: { type: 'string' },
  config: { type: 'string' },
  // The plugin's TRIGGERED_BUILD_* variables as a shell file. Not `--env-file`: Node 20 reads
  // that flag anywhere on its command line and exits when the file does not exist yet.
  'export-env': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  // Validate and print the workflow input (no secrets in it), start nothing: for any other
  // Temporal client, e.g. an edge function using Temporal's HTTP API.
  'dry-run': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const commonFlags = {
  json: { type: 'boolean' },
  config: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'export-env': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: remote-trigger <command> [options]

  trigger --job NAME|URL [step options]   trigger a remote Jenkins job (blocks until it finishes by default)
  status ID [--json]                      the state of a trigger or stage run
  wait ID [--json]                        wait for a trigger or stage run to finish (same output and exit codes as trigger)
  abort ID                                cancel the queue item or stop the remote build (of every trigger of a stage run)
  run STAGES.yaml [--id ID] [--json] [--no-wait]   run a stage file (stages in order, triggers in parallel)
  list [--job NAME] [--status S] [--result R] [--since DURATION] [--limit N] [--json]   triggers, the newest first
  logs ID [--follow] [--start N] [--json]  the remote console, read through a worker (no Jenkins credentials needed)
  setup                                   register the search attributes on the configured Temporal (idempotent)
  artifact ID PATH                        print a file archived by the remote build
  worker [--metrics-port P] [--metrics-host H]   run a worker against the configured Temporal cluster (TEMPORAL_ADDRESS …)
  emulator [--port P] [--scenario FILE] [--public-url URL]   run the Jenkins emulator
  demo                                    trigger the emulator's demo job on the embedded defaults
  service status|start|stop|restart [--config FILE]   the local service (embedded mode: dev server + one worker)
  stop-server                             the same as \`service stop\`
  serve [--port P] [--host H] [--no-auth] the trigger HTTP API (README "HTTP API")

Every command takes --log-format text|json (json: one object per line on stderr).

Exit codes: 0 passed (or accepted when not blocking, or --should-not-fail-build), 1 the remote build
did not pass, 2 invalid options or configuration (nothing started), 3 Jenkins or Temporal unreachable,
4 no trigger with that id, 5 Jenkins refused the trigger (400, 401, 403, 404, 405, 409).
See README.md for every option.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // --log-format text|json is read here, for every command (the logger is installed once).
  const { rest, format, formatError } = takeLogFormat(args);
  const quiet = rest.includes('--quiet') || rest.includes('-q');
  // The worker's /metrics includes the SDK's runtime metrics, from Core's exporter on a local port.
  const sdkMetricsBind = command === 'worker' && rest.some((a) => a === '--metrics-port' || a.startsWith('--metrics-port=')) ? `127.0.0.1:${await freePort()}` : undefined;
  installLogger(command === 'worker' || command === 'service' || rest.includes('--verbose') || rest.includes('-v') ? 'INFO' : quiet ? 'ERROR' : 'WARN', { format, sdkMetricsBind });
  try {
    if (formatError) throw new UsageError(formatError, 'log-format');
    switch (command) {
      case 'trigger':
        return await triggerCommand(rest);
      case 'run':
        return await (await import('./cli-run.js')).runCommand(rest);
      case 'status':
        return await statusCommand(rest);
      case 'wait':
        return await waitCommand(rest);
      case 'abort':
        return await abortCommand(rest);
      case 'artifact':
        return await artifactCommand(rest);
      case 'worker':
        return await workerCommand(rest);
      case 'emulator':
        return await emulatorCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      case 'service':
        return await serviceCommand(rest);
      case 'list':
        return await (await import('./cli-list.js')).listCommand(rest);
      case 'logs':
        return await (await import('./cli-logs.js')).logsCommand(rest);
      case 'setup':
        return await (await import('./cli-list.js')).setupCommand(rest);
      case 'stop-server':
        return await serviceCommand(['stop', ...rest]);
      case 'serve':
        return await (await import('./cli-serve.js')).serveCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT.invalid : EXIT.ok;
      default:
        throw new UsageError(`unknown command '${command}'\n${USAGE}`, 'command');
    }
  } catch (e) {
    return reportError(e, rest.includes('--json'));
  }
}

function takeLogFormat(args: string[]): { rest: string[]; format: LogFormat; formatError: string | null } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--log-format') value = args[++i] ?? '';
    else if (a.startsWith('--log-format=')) value = a.slice('--log-format='.length);
    else rest.push(a);
  }
  if (value === undefined || value === 'text' || value === 'json') return { rest, format: value ?? 'text', formatError: null };
  return { rest, format: 'text', formatError: `--log-format must be text or json (got '${value}')` };
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, positionals = 0) {
  try {
    const r = parseArgs({ args, options, strict: true, allowPositionals: positionals > 0 });
    if (r.positionals.length > positionals) throw new UsageError(`unexpected argument '${r.positionals[positionals]}'`, 'argv');
    return r;
  } catch (e) {
    if (e instanceof OptionsError) throw e;
    throw new UsageError((e as Error).message, 'argv');
  }
}

const log = (line: string) => (logFormat() === 'json' ? writeLog('INFO', line) : process.stderr.write(`${line}\n`));

// ---------------------------------------------------------------- trigger

async function triggerCommand(args: string[]): Promise<number> {
  const { values } = parse(args, triggerFlags);
  const loaded = await loadConfig(values.config);
  const { config } = loaded;
  const options = await optionsFromFlags(values);
  if (values.id !== undefined && values.id.trim() === '') throw new UsageError('--id must not be empty', 'id');
  const id = values.id ?? defaultTriggerId(String(options.job ?? 'job'));
  // Everything is validated before anything starts (exit 2, nothing sent to Jenkins).
  const input = await buildTriggerInput(options, { config, triggerId: id });
  if (values['dry-run']) {
    process.stdout.write(`${JSON.stringify(input, null, 2)}\n`);
    return EXIT.ok;
  }
  // The local service runs with this configuration and the environment of the command that
  // started it: a secret this command cannot resolve is a configuration error now.
  if (temporalMode(config) === 'embedded') checkSecretsResolvable(input, config);
  const runtime = await openRuntime(loaded, values.quiet, true);
  try {
    const logFrom = serviceLogSize(runtime);
    const how = await startOrAttach(runtime.client, runtime.taskQueue, input);
    if (!values.quiet) log(how === 'started' ? `Trigger ${id} started: ${input.target.jobUrl}` : `Attached to existing trigger ${id}`);
    const handle = new RemoteJobHandle(runtime.client, id);
    const state = await follow(handle, runtime, {
      block: input.blockBuildUntilComplete,
      quiet: values.quiet,
      verbose: values.verbose,
      enhancedLogging: input.enhancedLogging,
      logFrom,
    });
    return await finishOutput(state, values, input.blockBuildUntilComplete);
  } finally {
    await runtime.close();
  }
}

type TriggerFlagValues = ReturnType<typeof parse<typeof triggerFlags>>['values'];

async function optionsFromFlags(v: TriggerFlagValues): Promise<Record<string, unknown>> {
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

function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${name} expects a whole number, got '${value}'`, name);
  return Number(value);
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
function checkSecretsResolvable(input: TriggerInput, config: Config): void {
  try {
    authorizeTarget(input.target, input.token, config, { ...DEFAULT_TRUST_POLICY, allowAnyOrigin: true });
    resolveAuth(input.target.auth, config, process.env);
    if (input.token) resolveSecret(input.token, config, process.env);
  } catch (e) {
    throw new OptionsError((e as Error).message, 'auth');
  }
}

// ---------------------------------------------------------------- following a trigger

async function follow(
  handle: RemoteJobHandle,
  runtime: TriggerRuntime,
  opts: { block: boolean; quiet?: boolean; verbose?: boolean; enhancedLogging?: boolean; logFrom?: number },
): Promise<TriggerState> {
  const say = opts.quiet ? () => {} : log;
  const tail = opts.enhancedLogging && !opts.quiet ? new ConsoleTail(path.join(runtime.consoleDir, `${encodeURIComponent(handle.workflowId)}.log`), log) : null;
  const serviceLog = serviceLogTail(runtime, handle.workflowId, opts);
  let shown = '';
  let consoleHeader = false;
  let waitingForWorker = false;
  let lastWhy: unknown = null;
  let lastWaitingFor: string | null = null;
  for (;;) {
    let snap: Awaited<ReturnType<RemoteJobHandle['snapshot']>>;
    try {
      snap = await handle.snapshot();
      setLogContext({ triggerId: snap.state.triggerId, job: snap.state.jobFullName ?? snap.state.job, build: snap.state.buildNumber });
    } catch (e) {
      if (!(e instanceof RemoteTriggerError && e.type === 'NoWorker')) throw e;
      if (runtime.temporal.mode === 'embedded') {
        // The local service did not answer in time (busy, or just restarted): wait for it, as
        // long as it runs.
        const service = runtime.serviceRunning();
        if (!service) throw serviceGone(runtime, handle.workflowId);
        if (!waitingForWorker) say(`Waiting for the local service (pid ${service.pid}, log ${service.log}) to answer for trigger ${handle.workflowId}…`);
      } else if (!waitingForWorker) {
        // With an external cluster the work waits for a `remote-trigger worker`: so do we.
        say(`Waiting for a worker: ${e.message.split(' (start')[0]}; start one with \`remote-trigger worker\``);
      }
      waitingForWorker = true;
      await serviceLog?.poll();
      continue;
    }
    waitingForWorker = false;
    const s = snap.state;
    const key = `${s.status}|${s.queueId}|${s.buildNumber}`;
    if (key !== shown) {
      shown = key;
      if (s.status === 'QUEUED') say(`  Remote job queue number: ${s.queueId}\nWaiting for remote build to be executed...`);
      if (s.status === 'RUNNING' || (s.status === 'FINISHED' && s.buildUrl)) {
        if (!consoleHeader) say(`Remote build started!\n  Remote build URL: ${s.buildUrl}\n  Remote build number: ${s.buildNumber}`);
        if (tail && !consoleHeader) say(`${'-'.repeat(80)}\n\nConsole output of remote job:`);
        consoleHeader = true;
      }
    }
    if (snap.progress?.waitingFor && snap.progress.waitingFor !== lastWaitingFor) say(`Waiting: ${snap.progress.waitingFor}`);
    lastWaitingFor = snap.progress?.waitingFor ?? lastWaitingFor;
    if (s.status === 'QUEUED') {
      // The plugin's "The remote job is blocked. <why>." lines, from the watcher's heartbeat.
      const details = snap.progress?.details;
      if (details?.why && details.why !== lastWhy) say(`The remote job is ${String(details.state ?? 'queued')}. ${String(details.why)}`);
      lastWhy = details?.why ?? lastWhy;
    }
    if (!opts.block && s.status !== 'NOT_TRIGGERED') {
      say('Not blocking local job until remote job completes - fire and forget.');
      return s;
    }
    await tail?.poll();
    await serviceLog?.poll();
    if (snap.closed) {
      const final = await handle.result({ throwOnFailure: false });
      await serviceLog?.poll();
      if (tail) {
        await tail.flush();
        say('-'.repeat(80));
      }
      if (final.status === 'FINISHED') say(`Remote build finished with status ${final.result}.`);
      if (final.error) say(`ERROR: ${final.error.type}: ${final.error.message}`);
      return final;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function finishOutput(state: TriggerState, values: { json?: boolean; 'export-env'?: string }, blocking: boolean): Promise<number> {
  if (values['export-env']) await writeFile(values['export-env'], formatEnvFile(exportedVariables([state])));
  const code = exitCodeOf(state, blocking);
  if (values.json) process.stdout.write(`${JSON.stringify(jsonOf(state, code))}\n`);
  return code;
}

/**
 * The `--json` object. With the exit code: exit 1 always carries an `error` with the remote
 * result (`RemoteBuildFailed` when the state has no error of its own, e.g. a FAILURE result or
 * an abort).
 */
export function jsonOf(s: TriggerState, exitCode?: number) {
  const result = s.status === 'FINISHED' ? s.result : null;
  let error: { type: string; message: string; result?: string | null } | null = s.error;
  if (exitCode === EXIT.remoteFailed) {
    error = error
      ? { ...error, result }
      : {
          type: 'RemoteBuildFailed',
          message: s.abort ? `The remote job was aborted: ${s.abort.reason}. (${result ?? s.status})` : `The remote job did not succeed. (${result ?? s.status})`,
          result,
        };
  }
  return {
    workflowId: s.triggerId,
    status: s.status,
    result,
    buildNumber: s.buildNumber,
    buildUrl: s.buildUrl,
    queueId: s.queueId,
    jobUrl: s.jobUrl ?? null,
    error,
  };
}

export function exitCodeOf(s: TriggerState, blocking: boolean): number {
  if (s.shouldNotFailBuild) return EXIT.ok;
  if (!blocking && s.status !== 'NOT_TRIGGERED') return EXIT.ok;
  if (s.status === 'FINISHED') return s.passed ? EXIT.ok : EXIT.remoteFailed;
  if (s.abort) return EXIT.remoteFailed;
  // By the failure's type: e.g. 1 TriggerTimeout, 5 JenkinsRejected (Jenkins answered and refused).
  if (s.error) return exitCodeOfFailure(s.error.type);
  return EXIT.ok; // disabled: nothing was to be done
}

// ---------------------------------------------------------------- other commands

async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, commonFlags, 1);
  const id = requireId(positionals);
  const runtime = await openRuntime(await loadConfig(values.config), true, false);
  try {
    const run = await (await import('./cli-run.js')).stagesCommand('status', runtime.client, id, values);
    if (run !== null) return run;
    const handle = new RemoteJobHandle(runtime.client, id);
    const s = await stateOrExplain(handle, runtime);
    const progress = await handle.progress().catch(() => null);
    if (values.json) process.stdout.write(`${JSON.stringify(jsonOf(s))}\n`);
    else process.stdout.write(`${describeForHumans(s)}${progress?.waitingFor ? `\nwaiting:  ${progress.waitingFor}` : ''}\n`);
    if (values['export-env']) await writeFile(values['export-env'], formatEnvFile(exportedVariables([s])));
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

async function waitCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, commonFlags, 1);
  const id = requireId(positionals);
  const runtime = await openRuntime(await loadConfig(values.config), values.quiet, false);
  try {
    const run = await (await import('./cli-run.js')).stagesCommand('wait', runtime.client, id, values);
    if (run !== null) return run;
    const handle = new RemoteJobHandle(runtime.client, id);
    const logFrom = serviceLogSize(runtime);
    const enhancedLogging = await readsConsole(handle);
    const state = await follow(handle, runtime, { block: true, quiet: values.quiet, verbose: values.verbose, enhancedLogging, logFrom });
    return await finishOutput(state, values, true);
  } finally {
    await runtime.close();
  }
}

async function readsConsole(handle: RemoteJobHandle): Promise<boolean> {
  try {
    return (await handle.input()).enhancedLogging;
  } catch {
    return false;
  }
}

async function abortCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...commonFlags, reason: { type: 'string' } }, 1);
  const id = requireId(positionals);
  const runtime = await openRuntime(await loadConfig(values.config), true, false);
  try {
    const run = await (await import('./cli-run.js')).stagesCommand('abort', runtime.client, id, values);
    if (run !== null) return run;
    const handle = new RemoteJobHandle(runtime.client, id);
    // A trigger that has ended has nothing to abort: say so instead of "Aborted".
    const wasClosed = await handle.isClosed();
    const s = wasClosed ? await handle.state() : await handle.abort(values.reason ?? 'aborted from the command line');
    const aborted = !wasClosed && s.abort !== null;
    if (values.json) process.stdout.write(`${JSON.stringify({ ...jsonOf(s), aborted })}\n`);
    else if (aborted) log(`Aborted ${id}: ${describeForHumans(s)}`);
    else log(`Trigger ${id} had already ended (${s.status === 'FINISHED' ? `result ${s.result}` : s.error ? `${s.error.type}` : s.status}): nothing to abort\n${describeForHumans(s)}`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

async function artifactCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, commonFlags, 2);
  const id = requireId(positionals);
  const file = positionals[1];
  if (!file) throw new UsageError('usage: remote-trigger artifact ID PATH', 'path');
  const runtime = await openRuntime(await loadConfig(values.config), true, false);
  try {
    const body = await new RemoteJobHandle(runtime.client, id).readFileFromBuildArchive(file);
    process.stdout.write(values.json ? `${JSON.stringify({ workflowId: id, path: file, content: body, error: null })}\n` : body);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof RemoteTriggerError && (e.type === 'ArtifactNotFound' || e.type === 'NoBuild')) {
      log(`remote-trigger: ${e.message}`);
      if (values.json) process.stdout.write(`${JSON.stringify({ workflowId: id, path: file, content: null, error: { type: e.type, message: e.message } })}\n`);
      return EXIT.remoteFailed;
    }
    throw e;
  } finally {
    await runtime.close();
  }
}

async function workerCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, 'no-console-echo': { type: 'boolean' }, 'metrics-port': { type: 'string' }, 'metrics-host': { type: 'string' } });
  const metricsPort = intFlag(values['metrics-port'], 'metrics-port');
  if (temporalMode((await loadConfig(values.config)).config) === 'embedded') {
    // A second worker on the local dev server, with whatever configuration this directory has,
    // is exactly what the local service exists to prevent.
    throw new UsageError(
      'no Temporal address is configured (TEMPORAL_ADDRESS, a temporal.toml profile or temporal.address): in the embedded mode the local service runs the one worker; see `remote-trigger service status`',
      'temporal.address',
    );
  }
  const { runWorkerMain } = await import('./worker.js');
  await runWorkerMain({ configPath: values.config, echoConsole: !values['no-console-echo'], metricsPort, metricsHost: values['metrics-host'] });
  return EXIT.ok;
}

async function emulatorCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: 'string' }, scenario: { type: 'string' }, 'public-url': { type: 'string' } });
  const { startEmulatorFromCli, ScenarioError } = await import('./emulator/index.js');
  let emulator: Awaited<ReturnType<typeof startEmulatorFromCli>>;
  try {
    emulator = await startEmulatorFromCli({ port: intFlag(values.port, 'port') ?? 8080, scenarioFile: values.scenario, publicUrl: values['public-url'] });
  } catch (e) {
    // An invalid scenario file is invalid input (exit 2), with the field named, not a crash.
    if (e instanceof ScenarioError) throw new UsageError(e.message, e.field ?? 'scenario');
    throw e;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.stop();
  return EXIT.ok;
}

async function demoCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, config: { type: 'string' } });
  const { JenkinsEmulator, demoScenario } = await import('./emulator/index.js');
  const emulator = new JenkinsEmulator({ port: 0, scenario: demoScenario });
  await emulator.start();
  log(`Jenkins emulator (demo scenario) listening on ${emulator.url}`);
  const id = defaultTriggerId('demo');
  try {
    const code = await triggerCommand([
      '--job', 'demo',
      '--remote-jenkins-url', emulator.url,
      '--param', 'BRANCH=main',
      '--param', 'DRY_RUN=false',
      '--poll-interval', '1',
      '--enhanced-logging',
      '--id', id,
      ...(values.json ? ['--json'] : []),
      ...(values.config ? ['--config', values.config] : []),
    ]);
    if (code === EXIT.ok) {
      // The handle's readJsonFileFromBuildArchive, served by the worker.
      const runtime = await openRuntime(await loadConfig(values.config), true, false);
      try {
        const results = await new RemoteJobHandle(runtime.client, id).readJsonFileFromBuildArchive('build-results.json');
        log(`Archived build-results.json: ${JSON.stringify(results)}`);
      } finally {
        await runtime.close();
      }
    }
    log(`\nDone (exit code ${code}). Look again with: ./bin/remote-trigger.mjs status ${id}`);
    const service = runningService(stateDir(process.env, (await loadConfig(values.config)).config.stateDir));
    if (service) {
      const idle = service.idleMinutes > 0 ? `it stops by itself after ${service.idleMinutes} min without an open trigger, ` : '';
      log(`The local service (pid ${service.pid}) keeps running for later commands: ${idle}or now with ./bin/remote-trigger.mjs service stop`);
    }
    return code;
  } finally {
    await emulator.stop();
  }
}

/**
 * `service status|start|stop|restart`: the local service of the embedded mode (a detached
 * Temporal dev server plus one worker per state directory, see temporal/local-service.ts).
 * `service run` is its body, started detached by the first command that needs it.
 */
async function serviceCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'run') {
    const { values } = parse(rest, { token: { type: 'string' }, config: { type: 'string' }, 'no-config': { type: 'boolean' } });
    if (!values.token) throw new UsageError('service run is started by the CLI itself (it needs --token)', 'token');
    const { runLocalService } = await import('./service.js');
    await runLocalService({ token: values.token, configPath: values['no-config'] ? null : (values.config ?? null), idleMinutes: idleMinutesFromEnv() });
    return EXIT.ok;
  }
  const { values } = parse(rest, { config: { type: 'string' }, 'no-config': { type: 'boolean' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } });
  const loaded = values['no-config'] ? { config: (await import('./options/config.js')).emptyConfig(), path: null } : await loadConfig(values.config);
  const dir = stateDir(process.env, loaded.config.stateDir);
  const say = values.quiet ? () => {} : log;
  if (temporalMode(loaded.config) === 'external' && sub !== 'stop') {
    throw new UsageError('a Temporal address is configured: there is no local service; run `remote-trigger worker` processes', 'command');
  }
  switch (sub) {
    case 'status':
      return await serviceStatus(dir, values.json);
    case 'start': {
      const rec = await ensureLocalService(dir, { config: configIdentity(loaded.path), startsTriggers: true, log: say });
      say(`The local service of ${dir} runs: pid ${rec.pid}, ${describeConfig(rec.config)}`);
      return EXIT.ok;
    }
    case 'stop':
      return await serviceStop(dir, say);
    case 'restart': {
      await serviceStop(dir, say);
      const rec = await ensureLocalService(dir, { config: configIdentity(loaded.path), startsTriggers: true, log: say });
      say(`The local service of ${dir} runs: pid ${rec.pid}, ${describeConfig(rec.config)}`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`usage: remote-trigger service status|start|stop|restart [--config FILE | --no-config]`, 'command');
  }
}

async function serviceStop(dir: string, say: (line: string) => void): Promise<number> {
  const { servicePid, serverPid } = await stopLocalService(dir);
  if (servicePid === null && serverPid === null) say(`No local service runs for ${dir}`);
  else say(`Stopped the local service of ${dir} (${[servicePid && `worker pid ${servicePid}`, serverPid && `dev server pid ${serverPid}`].filter(Boolean).join(', ')})`);
  return EXIT.ok;
}

async function serviceStatus(dir: string, json?: boolean): Promise<number> {
  const rec = runningService(dir);
  const { embeddedServerRecord } = await import('./temporal/embedded-server.js');
  const server = embeddedServerRecord(dir);
  let openTriggers: number | null = null;
  if (rec) {
    try {
      const { Client, Connection } = await import('@temporalio/client');
      const { OPEN_TRIGGERS_QUERY } = await import('./service.js');
      const connection = await Connection.connect({ address: rec.address });
      try {
        openTriggers = (await new Client({ connection, namespace: rec.namespace }).workflow.count(OPEN_TRIGGERS_QUERY)).count;
      } finally {
        await connection.close();
      }
    } catch {
      openTriggers = null;
    }
  }
  const out = rec
    ? {
        running: true,
        stateDir: dir,
        pid: rec.pid,
        serverPid: server?.pid ?? null,
        address: rec.address,
        config: rec.config,
        startedAt: rec.startedAt,
        idleMinutes: rec.idleMinutes,
        openTriggers,
        rssBytes: { worker: rssOf(rec.pid), server: server ? rssOf(server.pid) : null },
        log: rec.log,
      }
    : { running: false, stateDir: dir };
  if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else if (!rec) process.stdout.write(`No local service runs for ${dir}\n`);
  else {
    const mb = (b: number | null) => (b === null ? '?' : `${Math.round(b / 1048576)} MB`);
    process.stdout.write(
      [
        `local service of ${dir}`,
        `worker:    pid ${rec.pid}, RSS ${mb(rssOf(rec.pid))}, since ${rec.startedAt}`,
        `dev server: ${server ? `pid ${server.pid}, RSS ${mb(rssOf(server.pid))}, ` : ''}${rec.address}`,
        `config:    ${describeConfig(rec.config)}`,
        `open triggers: ${openTriggers ?? '?'}; idle stop: ${rec.idleMinutes > 0 ? `after ${rec.idleMinutes} min without an open trigger` : 'never'}`,
        `log:       ${rec.log}`,
      ].join('\n') + '\n',
    );
  }
  return EXIT.ok;
}

// ---------------------------------------------------------------- helpers

export async function openRuntime(loaded: { config: Config; path: string | null }, quiet: boolean | undefined, startsTriggers: boolean): Promise<TriggerRuntime> {
  return TriggerRuntime.open({ config: loaded.config, configPath: loaded.path, startsTriggers, log: quiet ? () => {} : log });
}

/** Size of the local service's log now: a follow shows only what is logged from here on. */
function serviceLogSize(runtime: TriggerRuntime): number {
  if (runtime.temporal.mode !== 'embedded') return 0;
  try {
    return statSync(path.join(runtime.stateDir, SERVICE_LOG)).size;
  } catch {
    return 0;
  }
}

/**
 * The local service's log lines about one trigger (the worker prefixes them with `[id]`):
 * warnings and errors by default, every line with -v, none with -q.
 */
function serviceLogTail(runtime: TriggerRuntime, id: string, opts: { quiet?: boolean; verbose?: boolean; logFrom?: number }): ConsoleTail | null {
  if (runtime.temporal.mode !== 'embedded' || opts.quiet) return null;
  const tag = `[${id}] `;
  return new ConsoleTail(
    path.join(runtime.stateDir, SERVICE_LOG),
    (line) => {
      if (line.includes(tag) && (opts.verbose || /^(WARN|ERROR): /.test(line))) log(line);
    },
    opts.logFrom ?? 0,
  );
}

function serviceGone(runtime: TriggerRuntime, id: string): RemoteTriggerError {
  const rec = readServiceRecord(runtime.stateDir);
  return new RemoteTriggerError(
    `trigger ${id} is open, but the local service of ${runtime.stateDir} is no longer running` +
      `${rec ? '' : ' (stopped)'}; \`remote-trigger wait ${id}\` starts it again and carries on (its last log: ${path.join(runtime.stateDir, SERVICE_LOG)})`,
    'ServiceStopped',
    null,
  );
}

/** A trigger's state; in the embedded mode a silent service is named as such. */
async function stateOrExplain(handle: RemoteJobHandle, runtime: TriggerRuntime): Promise<TriggerState> {
  try {
    return await handle.state();
  } catch (e) {
    if (!(e instanceof RemoteTriggerError && e.type === 'NoWorker') || runtime.temporal.mode !== 'embedded') throw e;
    const service = runtime.serviceRunning();
    if (!service) throw serviceGone(runtime, handle.workflowId);
    throw new RemoteTriggerError(
      `trigger ${handle.workflowId} is open, but the local service (pid ${service.pid}) did not answer within 10 s; see ${service.log}`,
      'NoWorker',
      e.state,
    );
  }
}

export function requireId(positionals: string[]): string {
  const id = positionals[0];
  if (!id) throw new UsageError('a trigger id is required', 'id');
  return id;
}

function describeForHumans(s: TriggerState): string {
  const lines = [
    `trigger:  ${s.triggerId}`,
    `job:      ${s.jobFullName ?? s.job} (${s.jobUrl})`,
    `status:   ${s.status}${s.status === 'FINISHED' ? `, result ${s.result}` : ''}`,
    `queue id: ${s.queueId ?? '-'}`,
    `build:    ${s.buildNumber ? `#${s.buildNumber} ${s.buildUrl}` : '-'}`,
  ];
  if (s.abort) lines.push(`aborted:  ${s.abort.reason} (${s.abort.by})`);
  if (s.error) lines.push(`error:    ${s.error.type}: ${s.error.message}`);
  return lines.join('\n');
}

/** Exit code, stderr line and (with --json) the one JSON object on stdout for a failed command. */
function reportError(e: unknown, json = false): number {
  const { code, type, message, field } = classifyCliError(e);
  if (type === FailureTypes.NoTemporalCli) log(HOW_TO_GET_TEMPORAL);
  else if (type === FailureTypes.InvalidOptions) log(`remote-trigger: invalid options: ${message}`);
  else if (type === FailureTypes.Unexpected) log(`remote-trigger: ${(e as Error)?.stack ?? String(e)}`);
  else log(`remote-trigger: ${type}: ${message}`);
  if (json) {
    const state = e instanceof RemoteTriggerError && e.state ? jsonOf(e.state) : { workflowId: null, status: null, result: null, buildNumber: null, buildUrl: null, queueId: null, jobUrl: null };
    process.stdout.write(`${JSON.stringify({ ...state, error: { type, message, ...(field ? { field } : {}) } })}\n`);
  }
  return code;
}

/** The exit code is decided by the failure type alone (README "Contract"), never by a message. */
function classifyCliError(e: unknown): { code: number; type: string; message: string; field?: string } {
  const { type, message } = failureOf(e);
  return { code: exitCodeOfFailure(type), type, message, ...(e instanceof OptionsError ? { field: e.field } : {}) };
}
