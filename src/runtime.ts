import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { type Config, loadConfig } from './options/config.js';
import { resolveTemporal, type TemporalTarget } from './temporal/connect.js';
import { stateDir } from './temporal/state-dir.js';
import { createTriggerWorker } from './worker.js';

/**
 * A connection to Temporal plus, in the embedded mode, an in-process worker: what the CLI and
 * the library's default use. Open it once, close it when done.
 */
export class TriggerRuntime {
  private constructor(
    readonly client: Client,
    readonly config: Config,
    readonly temporal: TemporalTarget,
    readonly stateDir: string,
    readonly consoleDir: string,
    private readonly connection: Connection,
    private worker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | null,
  ) {}

  get taskQueue(): string {
    return this.temporal.taskQueue;
  }

  get hasInProcessWorker(): boolean {
    return this.worker !== null;
  }

  static async open(
    opts: {
      config?: Config;
      configPath?: string;
      /** Run a worker in this process. Default: yes in the embedded mode, no with an external cluster. */
      inProcessWorker?: boolean;
      log?: (line: string) => void;
      onConsole?: (triggerId: string, text: string) => void;
    } = {},
  ): Promise<TriggerRuntime> {
    const config = opts.config ?? (await loadConfig(opts.configPath)).config;
    const dir = stateDir(process.env, config.stateDir);
    const temporal = await resolveTemporal(config, dir, opts.log);
    const connection = await Connection.connect(temporal.connectionOptions as Parameters<typeof Connection.connect>[0]);
    const client = new Client({ connection, namespace: temporal.namespace });
    const consoleDir = config.consoleDir ?? path.join(dir, 'console');
    const runtime = new TriggerRuntime(client, config, temporal, dir, consoleDir, connection, null);
    if (opts.inProcessWorker ?? temporal.mode === 'embedded') await runtime.startWorker(opts.onConsole);
    return runtime;
  }

  private async startWorker(onConsole?: (triggerId: string, text: string) => void): Promise<void> {
    const connection = await NativeConnection.connect(this.temporal.connectionOptions as Parameters<typeof NativeConnection.connect>[0]);
    const worker = await createTriggerWorker({
      connection,
      namespace: this.temporal.namespace,
      taskQueue: this.temporal.taskQueue,
      config: this.config,
      consoleDir: this.consoleDir,
      onConsole,
      // This worker's only caller is its own user, who may name any URL (README: Security).
      allowAnyOrigin: true,
    });
    const running = worker.run();
    this.worker = { worker, running, connection };
  }

  async close(): Promise<void> {
    if (this.worker) {
      const { worker, running, connection } = this.worker;
      this.worker = null;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      await connection.close();
    }
    await this.connection.close();
    await this.temporal.teardown?.();
  }
}
