import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker, type WorkerOptions } from '@temporalio/worker';
import { JenkinsEmulator, type EmulatorScenario } from '../../src/emulator/index.js';
import { parseConfig, type ConfigInput, type Config } from '../../src/options/config.js';
import { buildTriggerInput, type TriggerInput } from '../../src/options/trigger-input.js';
import type { StepOptionsInput } from '../../src/options/step-options.js';
import { startOrAttach } from '../../src/client.js';
import { RemoteJobHandle } from '../../src/handle.js';
import { bundleWorkflows, createTriggerWorker } from '../../src/worker.js';
import type { WorkerSpec } from './processes.js';
import { startDevServer } from './temporal.js';

let bundle: Promise<{ code: string }> | null = null;
/** One workflow bundle per test process: bundling takes seconds. */
export function sharedBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflows();
  return bundle;
}

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger((process.env.TEST_LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | undefined) ?? 'ERROR') });
}

/** Installs a logger of the test's own (before the first Harness.start): e.g. one that captures every line. */
export function installTestLogger(logger: DefaultLogger): void {
  if (runtimeInstalled) throw new Error('installTestLogger must run before the first Harness.start');
  runtimeInstalled = true;
  Runtime.install({ logger });
}

/**
 * A dev server, the Jenkins emulator and workers on one task queue: the real parts every
 * integration test uses.
 */
export class Harness {
  readonly taskQueue = `test-${randomUUID().slice(0, 8)}`;
  readonly tmp = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-test-'));
  readonly consoleDir = path.join(this.tmp, 'console');
  private readonly workers = new Map<Worker, Promise<void>>();

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly emulator: JenkinsEmulator,
    readonly config: Config,
    /** The raw configuration, for worker processes. */
    readonly configInput: ConfigInput,
  ) {}

  static async start(opts: {
    scenario: EmulatorScenario;
    config?: (emulatorUrl: string) => ConfigInput;
    worker?: boolean;
    /** Keep the dev server's state in this SQLite file instead of memory. */
    dbFilename?: string;
    /** More `temporal server start-dev` arguments (e.g. --http-port). */
    devServerArgs?: string[];
    /** Register the trigger's search attributes on the dev server (as the embedded server does). */
    searchAttributes?: boolean;
    /** Serve the emulator over HTTPS with this key and certificate. */
    tls?: { key: Buffer; cert: Buffer };
  }): Promise<Harness> {
    quietRuntime();
    const [env, emulator] = await Promise.all([startDevServer({ dbFilename: opts.dbFilename, extraArgs: opts.devServerArgs, searchAttributes: opts.searchAttributes }), (async () => {
      const e = new JenkinsEmulator({ port: 0, scenario: opts.scenario, tls: opts.tls });
      await e.start();
      return e;
    })()]);
    // Workers here are shared workers (restricted to their configuration): the emulator is an
    // allowed origin unless the test's configuration says otherwise.
    const configInput: ConfigInput = { allowOrigins: [emulator.url], ...(opts.config ? opts.config(emulator.url) : {}) };
    const h = new Harness(env, emulator, parseConfig(configInput), configInput);
    if (opts.worker !== false) await h.startWorker();
    return h;
  }

  get client() {
    return this.env.client;
  }

  async startWorker(
    extra: {
      env?: NodeJS.ProcessEnv;
      onConsole?: (id: string, text: string) => void;
      workerOptions?: Partial<WorkerOptions>;
      /** How long a worker lacking a host or credential keeps retrying; short here so tests end quickly. */
      misconfigured?: { graceMs?: number; retryDelayMs?: number };
    } = {},
  ): Promise<Worker> {
    const worker = await createTriggerWorker({
      connection: this.env.nativeConnection,
      taskQueue: this.taskQueue,
      config: this.config,
      consoleDir: this.consoleDir,
      env: extra.env ?? process.env,
      onConsole: extra.onConsole,
      workflowBundle: await sharedBundle(),
      workerOptions: extra.workerOptions,
      misconfigured: extra.misconfigured ?? { graceMs: 2000, retryDelayMs: 200 },
    });
    this.workers.set(worker, worker.run());
    return worker;
  }

  async stopWorker(worker: Worker): Promise<void> {
    const running = this.workers.get(worker);
    if (!running) return;
    this.workers.delete(worker);
    worker.shutdown();
    await running;
  }

  async input(options: StepOptionsInput, id = `t-${randomUUID().slice(0, 8)}`): Promise<TriggerInput> {
    return buildTriggerInput(options, { config: this.config, triggerId: id, cwd: this.tmp });
  }

  /** Starts a trigger workflow and returns its handle without waiting. */
  async start(options: StepOptionsInput, id?: string): Promise<RemoteJobHandle> {
    const input = await this.input({ remoteJenkinsUrl: this.emulator.url, pollInterval: 1, ...options }, id);
    await startOrAttach(this.client, this.taskQueue, input);
    return new RemoteJobHandle(this.client, input.triggerId);
  }

  /** What a worker process on this harness' task queue runs with (spawnWorker). */
  async workerSpec(): Promise<WorkerSpec> {
    return { address: this.env.address, taskQueue: this.taskQueue, consoleDir: this.consoleDir, bundlePath: await sharedBundlePath(this.tmp), config: this.configInput };
  }

  /** An anonymous POST to the emulator made by the test itself; fails on an HTTP error. */
  async emulatorPost(pathAndQuery: string, form: string): Promise<Response> {
    const r = await postAsTest(this.emulator.url, pathAndQuery, form);
    if (r.status >= 400) throw new Error(`emulator POST ${pathAndQuery}: HTTP ${r.status}`);
    return r;
  }

  async teardown(): Promise<void> {
    for (const w of [...this.workers.keys()]) await this.stopWorker(w);
    await this.emulator.stop();
    await this.env.teardown();
  }
}

/** A POST made by the test itself as an anonymous user (crumb + session cookie), e.g. a blocker build. */
export async function postAsTest(emulatorUrl: string, pathAndQuery: string, body = ''): Promise<Response> {
  const r = await fetch(`${emulatorUrl}/crumbIssuer/api/json`);
  const crumb = (await r.json()) as { crumbRequestField: string; crumb: string };
  return fetch(`${emulatorUrl}${pathAndQuery}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      [crumb.crumbRequestField]: crumb.crumb,
      cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]!,
    },
    body,
  });
}

/** Writes the shared bundle to a file once, for worker processes. */
let bundleFile: Promise<string> | null = null;
export function sharedBundlePath(dir: string): Promise<string> {
  bundleFile ??= (async () => {
    const { writeFile } = await import('node:fs/promises');
    const p = path.join(dir, 'workflow-bundle.js');
    await writeFile(p, (await sharedBundle()).code);
    return p;
  })();
  return bundleFile;
}
