import { loadClientConnectConfig } from '@temporalio/envconfig';
import { FailureError, FailureTypes } from '../contract/failures.js';
import type { Config } from '../options/config.js';
import { HOW_TO_GET_TEMPORAL } from './cli-path.js';
import { ensureEmbeddedServer, NoTemporalCliError } from './embedded-server.js';

/**
 * Where Temporal is. With TEMPORAL_ADDRESS, a temporal.toml profile (@temporalio/envconfig) or
 * `temporal.address` in temporal.yaml, that cluster is used and a separate `remote-trigger
 * worker` does the work. Otherwise the embedded default: the local service of the state
 * directory (a dev server and one worker, src/temporal/local-service.ts).
 */
export interface TemporalTarget {
  mode: 'embedded' | 'external';
  address: string;
  namespace: string;
  taskQueue: string;
  connectionOptions: Record<string, unknown>;
  /** Temporal's HTTP API of the embedded dev server, when it opened one. */
  httpUrl?: string | null;
  /** For the embedded mode without a `temporal` binary: the SDK-managed server to tear down. */
  teardown?: () => Promise<void>;
}

/** Whether the configuration names a Temporal cluster (external) or the embedded default applies; starts nothing. */
export function temporalMode(config: Config): 'embedded' | 'external' {
  const conn = loadClientConnectConfig({}).connectionOptions as { address?: string } | undefined;
  return conn?.address ?? config.temporal.address ? 'external' : 'embedded';
}

export async function resolveTemporal(config: Config, dir: string, log: (line: string) => void = () => {}): Promise<TemporalTarget> {
  const env = loadClientConnectConfig({});
  const conn = (env.connectionOptions ?? {}) as Record<string, unknown> & { address?: string };
  const address = conn.address ?? config.temporal.address;
  const namespace = env.namespace ?? config.temporal.namespace;
  const taskQueue = process.env.REMOTE_TRIGGER_TASK_QUEUE ?? config.temporal.taskQueue;
  if (address) return { mode: 'external', address, namespace, taskQueue, connectionOptions: { ...conn, address } };

  try {
    const server = await ensureEmbeddedServer(dir, log);
    return { mode: 'embedded', address: server.address, namespace: 'default', taskQueue, connectionOptions: { address: server.address }, httpUrl: server.httpUrl };
  } catch (e) {
    if (!(e instanceof NoTemporalCliError)) throw e;
    return await sdkDownloadedServer(dir, taskQueue, log);
  }
}

/**
 * No `temporal` binary here: let the SDK download the dev server (needs internet). It lives as
 * long as this process; its database file still persists triggers across invocations.
 */
async function sdkDownloadedServer(dir: string, taskQueue: string, log: (line: string) => void): Promise<TemporalTarget> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  log('No `temporal` CLI found; letting the Temporal SDK download the dev server (needs internet access)…');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: `${dir}/bin` },
        dbFilename: `${dir}/temporal.sqlite`,
        ip: '127.0.0.1',
        log: { format: 'pretty', level: 'warn' },
      },
    });
    const address = env.address;
    return {
      mode: 'embedded',
      address,
      namespace: env.namespace ?? 'default',
      taskQueue,
      connectionOptions: { address },
      teardown: () => env.teardown(),
    };
  } catch (e) {
    throw new FailureError(`${HOW_TO_GET_TEMPORAL}\n(The SDK download failed too: ${(e as Error).message})`, FailureTypes.NoTemporalCli);
  }
}

/** Connects to Temporal: a failure is TemporalUnreachable (exit 3), whatever the SDK's error says. */
export async function connectingToTemporal<T>(connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (e) {
    throw new FailureError(`cannot reach Temporal: ${(e as Error).message}`, FailureTypes.TemporalUnreachable);
  }
}
