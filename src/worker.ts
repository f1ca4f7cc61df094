import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type ActivityInterceptorsFactory, type WorkerOptions } from '@temporalio/worker';
import { ConsoleStore, createActivities } from './activities/index.js';
import { WaitHub } from './waiting/hub.js';
import { DEFAULT_TRUST_POLICY } from './activities/trust.js';
import { type Config, loadConfig } from './options/config.js';
import { checkSearchAttributes, type OperatorServiceLike } from './search-attributes.js';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { installTracing, safeUrl } from './telemetry/tracing.js';
import { logFormat, sdkMetricsUrl, writeLog } from './logging.js';
import { TriggerMetrics } from './telemetry/metrics.js';
import { connectingToTemporal, resolveTemporal } from './temporal/connect.js';
import { stateDir } from './temporal/state-dir.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The workflow code: the pre-built bundle when there is one (dist/), else the sources. */
export function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = path.join(here, 'workflow-bundle.js');
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  const js = path.join(here, 'workflows', 'index.js');
  return { workflowsPath: existsSync(js) ? js : path.join(here, 'workflows', 'index.ts') };
}

/** The workflow interceptors (OpenTelemetry, docs/design.md §15), bundled with the workflow code. */
export function workflowInterceptorModules(): string[] {
  const js = path.join(here, 'workflows', 'interceptors.js');
  return [existsSync(js) ? js : path.join(here, 'workflows', 'interceptors.ts')];
}

/**
 * The modules that all workflow instances share instead of evaluating each (the input schemas,
 * docs/design.md §16.5). Pass them as `preloadModules` to Temporal's bundler, or in
 * `bundlerOptions` of a worker given `workflowsPath`, when you bundle our workflows yourself.
 */
export function workflowPreloadModules(): string[] {
  const js = path.join(here, 'workflows', 'shared-modules.js');
  return [existsSync(js) ? js : path.join(here, 'workflows', 'shared-modules.ts')];
}

/** Bundles the workflow code once (tests and benchmarks share one bundle across workers). */
export async function bundleWorkflows(): Promise<{ code: string }> {
  const src = workflowSource();
  if (src.workflowsPath) return bundleWorkflowCode({ workflowsPath: src.workflowsPath, workflowInterceptorModules: workflowInterceptorModules(), preloadModules: workflowPreloadModules(), logger: quietBundlerLogger });
  const { readFile } = await import('node:fs/promises');
  return { code: await readFile((src.workflowBundle as { codePath: string }).codePath, 'utf8') };
}

/** Temporal's bundler, quiet but for its warnings and errors (also for tests and benchmarks that bundle). */
export const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    process.stderr.write(`[bundler] ${message}\n`);
  },
  error(message: string) {
    process.stderr.write(`[bundler] ${message}\n`);
  },
};

/** Worker settings our activities need, also for a user's own worker (remote-trigger/worker). */
export const TRIGGER_WORKER_OPTIONS = {
  // Waiting triggers hold no slot (the wait hub, docs/design.md §16): slots bound the short
  // activities (metadata, trigger, abort, reads) running at once.
  maxConcurrentActivityTaskExecutions: 500,
  // Cancellation reaches a running activity (an abort's own wait for the stopped build) only with
  // a heartbeat reply: bound that delay to ~2 s.
  maxHeartbeatThrottleInterval: '2s',
  // A waiting trigger has no workflow task for as long as it waits, so keeping it in the sticky
  // cache buys little. The SDK's default scales with the heap (~2,300 here), which once cost
  // ~3 MiB per cached workflow (bench/scale.ts, 600 waiting: peak RSS 1,123 MiB with 250 cached,
  // 724 MiB with 20); now that the schemas are shared an instance keeps ~200 KiB and costs ~3 ms
  // to create (bench/workflow-create.ts). An evicted trigger replays its short history at its
  // next task (docs/design.md §16.5).
  maxCachedWorkflows: 100,
} as const satisfies Partial<WorkerOptions>;

export interface TriggerWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  config: Config;
  /** Where remote console output of enhancedLogging triggers is kept. */
  consoleDir: string;
  env?: NodeJS.ProcessEnv;
  onConsole?: (triggerId: string, text: string) => void;
  /**
   * Send requests to any origin a trigger names (never secrets: those follow the configuration
   * always). For the embedded mode's local service, which runs what its own user asks for; a
   * shared worker leaves it off and reaches only its configured remote hosts and `allowOrigins`
   * (activities/trust.ts).
   */
  allowAnyOrigin?: boolean;
  /** Overrides of how long and how often a worker lacking a host or credential retries (tests). */
  misconfigured?: { graceMs?: number; retryDelayMs?: number };
  workflowBundle?: { code: string } | { codePath: string };
  /**
   * The trigger's search attributes to upsert. Default: those registered on the namespace,
   * checked once here through the operator service (docs/design.md §3.8).
   */
  searchAttributes?: readonly string[];
  /** Where the worker counts triggers, Jenkins requests, poll lateness and waiting triggers (README, "Metrics"). */
  metrics?: TriggerMetrics;
  /**
   * The heartbeat timeout of this worker's waits (default REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS,
   * else 240 s): how soon a killed worker's waits resume elsewhere (docs/design.md §16).
   */
  waitHeartbeatTimeoutMs?: number;
  /** Passed through to Worker.create (tests tune sticky timeouts and identities). */
  workerOptions?: Partial<WorkerOptions>;
}

export async function createTriggerWorker(o: TriggerWorkerOptions): Promise<Worker> {
  const namespace = o.namespace ?? 'default';
  const searchAttributes = o.searchAttributes ?? (await registeredSearchAttributes(o.connection, namespace));
  const tracing = installTracing('remote-trigger-worker');
  const metrics = o.metrics ?? new TriggerMetrics();
  const deps = {
    waitHeartbeatTimeoutMs: o.waitHeartbeatTimeoutMs,
    searchAttributes,
    metrics,
    config: o.config,
    env: o.env ?? process.env,
    consoleStore: new ConsoleStore(o.consoleDir),
    onConsole: o.onConsole,
    policy: {
      allowAnyOrigin: o.allowAnyOrigin ?? false,
      misconfiguredGraceMs: o.misconfigured?.graceMs ?? DEFAULT_TRUST_POLICY.misconfiguredGraceMs,
      misconfiguredRetryDelayMs: o.misconfigured?.retryDelayMs ?? DEFAULT_TRUST_POLICY.misconfiguredRetryDelayMs,
    },
  };
  const hub = new WaitHub(deps);
  const activities = createActivities(deps, hub);
  const worker = await Worker.create({
    connection: o.connection,
    namespace,
    taskQueue: o.taskQueue,
    activities,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { ...workflowSource(), bundlerOptions: { preloadModules: workflowPreloadModules() } }),
    ...TRIGGER_WORKER_OPTIONS,
    // One trace from the caller through the workflow and its activities to each Jenkins request.
    interceptors: {
      activity: [
        (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
        logAttributes,
      ],
      workflowModules: workflowInterceptorModules(),
    },
    sinks: {
      exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource),
      remoteTriggerMetrics: {
        started: { fn: () => metrics.triggerStarted() },
        ended: { fn: (_info, result: string) => metrics.triggerEnded(result) },
      },
    },
    ...o.workerOptions,
  });
  // When the worker stops, its waits go back to Temporal at once (not after their heartbeat
  // timeout), while the worker's connection is still open.
  const run = worker.run.bind(worker);
  worker.run = () => run().finally(() => hub.close());
  return worker;
}

/**
 * Adds the trigger's job and build to the activity's log lines (`--log-format json`), read from
 * the activity's arguments: a TriggerInput (job) and a BuildRef (build), or an artifact or
 * console request (build URL). Names and numbers only, never a secret.
 */
const logAttributes: ActivityInterceptorsFactory = () => {
  const fields: { job?: string; build?: number } = {};
  return {
    inbound: {
      execute(input, next) {
        const [first, second] = input.args as Array<Record<string, unknown> | undefined>;
        if (typeof first?.job === 'string') fields.job = /^https?:/i.test(first.job) ? safeUrl(first.job) : first.job;
        const target = first?.target as { jobUrl?: string } | undefined;
        if (!fields.job && typeof target?.jobUrl === 'string') fields.job = safeUrl(target.jobUrl);
        const build = (second as { buildNumber?: unknown } | undefined)?.buildNumber ?? (second?.build as { buildNumber?: unknown } | undefined)?.buildNumber;
        if (typeof build === 'number') fields.build = build;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next({ ...input, ...fields });
      },
    },
  };
};

/**
 * Which of the trigger's search attributes the namespace has, with a warning for the others: a
 * worker upserts only these, so a missing one never fails a workflow task (docs/design.md §3.8).
 */
export async function registeredSearchAttributes(connection: NativeConnection, namespace: string): Promise<string[]> {
  const logger = Runtime.instance().logger;
  try {
    const check = await checkSearchAttributes(connection.operatorService as unknown as OperatorServiceLike, namespace);
    const skipped = [...check.missing, ...check.wrongType.map((n) => `${n} (registered with another type)`)];
    if (skipped.length > 0) {
      logger.warn(
        `search attributes not registered on namespace '${namespace}': ${skipped.join(', ')}; triggers will not set them ` +
          '(run `remote-trigger setup`, then restart the worker)',
      );
    }
    return check.present;
  } catch (e) {
    logger.warn(`cannot list the search attributes of namespace '${namespace}' (${(e as Error).message}); triggers will set none`);
    return [];
  }
}

/** `remote-trigger worker`: runs until SIGINT/SIGTERM against the configured Temporal. */
export async function runWorkerMain(opts: { configPath?: string; echoConsole?: boolean; metricsPort?: number; metricsHost?: string } = {}): Promise<void> {
  const { config } = await loadConfig(opts.configPath);
  const dir = stateDir(process.env, config.stateDir);
  const log = (line: string) => writeLog('INFO', line);
  const temporal = await resolveTemporal(config, dir, log);
  const connection = await connectingToTemporal(() => NativeConnection.connect(temporal.connectionOptions as Parameters<typeof NativeConnection.connect>[0]));
  const metrics = new TriggerMetrics();
  const worker = await createTriggerWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    config,
    metrics,
    consoleDir: config.consoleDir ?? path.join(dir, 'console'),
    onConsole: opts.echoConsole === false ? undefined : (id, text) => echoConsole(id, text),
  });
  let server: import('node:http').Server | null = null;
  if (opts.metricsPort !== undefined) {
    const { serveMetrics, boundPort } = await import('./telemetry/metrics.js');
    server = await serveMetrics(metrics, opts.metricsPort, opts.metricsHost ?? '127.0.0.1', sdkMetricsUrl());
    log(`remote-trigger worker: metrics on http://${opts.metricsHost ?? '127.0.0.1'}:${boundPort(server)}/metrics`);
  }
  log(`remote-trigger worker: task queue '${temporal.taskQueue}' on ${temporal.address} (${temporal.mode})`);
  await worker.run();
  server?.close();
  await connection.close();
  await temporal.teardown?.();
}

const partialLines = new Map<string, string>();
/** Prefixes each complete remote console line with its trigger id on the worker's stdout. */
function echoConsole(id: string, text: string): void {
  const buffered = (partialLines.get(id) ?? '') + text;
  const lines = buffered.split('\n');
  partialLines.set(id, lines.pop() ?? '');
  for (const line of lines) {
    if (logFormat() === 'json') process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'INFO', message: line, triggerId: id, console: true })}\n`);
    else process.stdout.write(`[${id}] ${line}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runWorkerMain().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(3);
  });
}
