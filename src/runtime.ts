import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { currentTracing, installTracing } from './telemetry/tracing.js';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type Config, emptyConfig, loadConfig } from './options/config.js';
import { connectingToTemporal, resolveTemporal, temporalMode, type TemporalTarget } from './temporal/connect.js';
import { registerClient } from './temporal/client-leases.js';
import { type ConfigIdentity, configIdentity, ensureLocalService, runningService, type ServiceRecord } from './temporal/local-service.js';
import { stateDir } from './temporal/state-dir.js';

/**
 * A connection to Temporal: what the CLI and the library's default use. Open it once, close it
 * when done. It runs no worker: in the embedded mode the local service of the state directory
 * (a detached dev server plus one worker, see temporal/local-service.ts) does the work, and is
 * started when none runs; with an external cluster, `remote-trigger worker` processes do.
 */
export class TriggerRuntime {
  private constructor(
    readonly client: Client,
    readonly config: Config,
    readonly temporal: TemporalTarget,
    readonly stateDir: string,
    readonly consoleDir: string,
    /** The local service this runtime talks to (embedded mode), as found when it was opened. */
    readonly service: ServiceRecord | null,
    private readonly connection: Connection,
    private readonly releaseLease: () => void,
  ) {}

  get taskQueue(): string {
    return this.temporal.taskQueue;
  }

  /** The local service, if it still runs (embedded mode). */
  serviceRunning(): ServiceRecord | null {
    return this.temporal.mode === 'embedded' ? runningService(this.stateDir) : null;
  }

  static async open(
    opts: {
      config?: Config;
      /** The file `config` was read from (null: none). Without `config`, the file to read. */
      configPath?: string | null;
      /**
       * The caller starts triggers (default): in the embedded mode, a local service running
       * with another configuration is refused (ConfigMismatchError). `false` for commands that
       * only read or act on existing triggers (status, wait, abort, artifact).
       */
      startsTriggers?: boolean;
      log?: (line: string) => void;
    } = {},
  ): Promise<TriggerRuntime> {
    let config: Config;
    let file: string | null;
    if (opts.config) {
      config = opts.config;
      file = opts.configPath ?? null;
    } else {
      const loaded = await loadConfig(opts.configPath ?? undefined);
      config = loaded.config;
      file = loaded.path;
    }
    const dir = stateDir(process.env, config.stateDir);
    let temporal: TemporalTarget;
    let service: ServiceRecord | null = null;
    let releaseLease = () => {};
    if (temporalMode(config) === 'external') {
      temporal = await resolveTemporal(config, dir, opts.log);
    } else {
      // Announced before the service record is read: see registerClient.
      releaseLease = registerClient(dir);
      try {
        service = await ensureLocalService(dir, {
          config: identityOf(dir, config, file, opts.config !== undefined),
          startsTriggers: opts.startsTriggers ?? true,
          log: opts.log,
        });
      } catch (e) {
        releaseLease();
        throw e;
      }
      temporal = {
        mode: 'embedded',
        address: service.address,
        namespace: service.namespace,
        taskQueue: service.taskQueue,
        connectionOptions: { address: service.address },
      };
    }
    let connection: Connection;
    try {
      connection = await connectingToTemporal(() => Connection.connect(temporal.connectionOptions as Parameters<typeof Connection.connect>[0]));
    } catch (e) {
      releaseLease();
      throw e;
    }
    // The caller's trace goes with the start into the workflow's headers (docs/design.md §15).
    installTracing('remote-trigger');
    const client = new Client({ connection, namespace: temporal.namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
    const consoleDir = service?.consoleDir ?? config.consoleDir ?? path.join(dir, 'console');
    return new TriggerRuntime(client, config, temporal, dir, consoleDir, service, connection, releaseLease);
  }

  async close(): Promise<void> {
    await currentTracing()?.flush().catch(() => undefined);
    this.releaseLease();
    await this.connection.close();
    await this.temporal.teardown?.();
  }
}

/**
 * The configuration the local service must run with. A configuration object given without its
 * file (library callers) is written to the state directory, named by its content, so that the
 * service can load the same thing.
 */
function identityOf(dir: string, config: Config, file: string | null, givenAsObject: boolean): ConfigIdentity {
  if (file || !givenAsObject) return configIdentity(file);
  const text = JSON.stringify(config, null, 2);
  const hash = createHash('sha256').update(text).digest('hex');
  if (text === JSON.stringify(emptyConfig(), null, 2)) return { path: null, hash: null };
  mkdirSync(path.join(dir, 'configs'), { recursive: true });
  const out = path.join(dir, 'configs', `config-${hash.slice(0, 16)}.json`);
  writeFileSync(out, text);
  return configIdentity(out);
}
