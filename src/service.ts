import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { type Config, emptyConfig, loadConfig } from './options/config.js';
import { OptionsError } from './options/errors.js';
import { connectingToTemporal, resolveTemporal, temporalMode } from './temporal/connect.js';
import { acquireLock } from './temporal/embedded-server.js';
import { liveClients } from './temporal/client-leases.js';
import { configIdentity, removeServiceRecord, SERVICE_LOG, type ServiceRecord, writeServiceRecord } from './temporal/local-service.js';
import { stateDir } from './temporal/state-dir.js';
import { createTriggerWorker } from './worker.js';
import { TRIGGER_WORKFLOW_TYPES } from './workflows/messages.js';
import { type OperatorServiceLike, registerSearchAttributes } from './search-attributes.js';

/** The query that counts open triggers and stage runs (what keeps the service from its idle stop). */
export const OPEN_TRIGGERS_QUERY = `(${TRIGGER_WORKFLOW_TYPES.map((t) => `WorkflowType = '${t}'`).join(' OR ')}) AND ExecutionStatus = 'Running'`;

/**
 * `remote-trigger service run`: the body of the local service (started detached by
 * ensureLocalService, see temporal/local-service.ts). Starts or reuses the dev server of the
 * state directory, runs ONE worker with the given configuration, records itself in
 * service.json, and stops (worker, dev server, records) on SIGTERM/SIGINT or after
 * `idleMinutes` with no open trigger.
 */
export async function runLocalService(opts: { token: string; configPath: string | null; idleMinutes: number }): Promise<void> {
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const config: Config = opts.configPath ? (await loadConfig(opts.configPath)).config : emptyConfig();
  if (temporalMode(config) === 'external') {
    throw new OptionsError('the local service belongs to the embedded mode; with a Temporal address configured, run `remote-trigger worker` processes', 'temporal.address');
  }
  const dir = stateDir(process.env, config.stateDir);
  const temporal = await resolveTemporal(config, dir, log);
  const consoleDir = config.consoleDir ?? path.join(dir, 'console');
  const identity = `remote-trigger-service-${process.pid}@${os.hostname()}`;
  const connection = await connectingToTemporal(() => NativeConnection.connect(temporal.connectionOptions as Parameters<typeof NativeConnection.connect>[0]));
  // The dev server registers the search attributes only when it creates its database: a state
  // directory from before them gets them here, before the worker checks (docs/design.md §3.8).
  await registerSearchAttributes(connection.operatorService as unknown as OperatorServiceLike, temporal.namespace).catch((e: Error) =>
    log(`cannot register the search attributes: ${e.message}`),
  );
  const worker = await createTriggerWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    config,
    consoleDir,
    // The local service runs what its own user asks for: any Jenkins URL they give.
    allowAnyOrigin: true,
    workerOptions: { identity },
  });
  const running = worker.run();
  const clientConnection = await connectingToTemporal(() => Connection.connect(temporal.connectionOptions as Parameters<typeof Connection.connect>[0]));
  const client = new Client({ connection: clientConnection, namespace: temporal.namespace });

  const rec: ServiceRecord = {
    pid: process.pid,
    token: opts.token,
    startedAt: new Date().toISOString(),
    config: configIdentity(opts.configPath),
    address: temporal.address,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    consoleDir,
    identity,
    idleMinutes: opts.idleMinutes,
    log: path.join(dir, SERVICE_LOG),
  };
  writeServiceRecord(dir, rec);
  log(
    `local service ready: worker ${identity} on task queue '${temporal.taskQueue}' at ${temporal.address}; ` +
      `configuration: ${rec.config.path ?? 'none'}; idle stop: ${opts.idleMinutes > 0 ? `${opts.idleMinutes} min` : 'never'}`,
  );

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log(`stopping (${reason})`);
      clearInterval(timer);
      // Clients must not find a record of a service that is going away.
      removeServiceRecord(dir, opts.token);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch((e) => log(`worker: ${(e as Error).message}`));
      await connection.close().catch(() => {});
      await clientConnection.close().catch(() => {});
      const { stopEmbeddedServer } = await import('./temporal/embedded-server.js');
      await stopEmbeddedServer(dir);
      await temporal.teardown?.();
      log('stopped');
    })();
    return stopping;
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  running.then(
    () => void stop('worker stopped'),
    (e) => void stop(`worker failed: ${(e as Error).message}`),
  );

  // Idle stop: count running triggers on the dev server.
  const idleMs = opts.idleMinutes * 60_000;
  let lastBusy = Date.now();
  let failures = 0;
  const openTriggers = async () => (await client.workflow.count(OPEN_TRIGGERS_QUERY)).count;
  const check = async () => {
    if (stopping) return;
    try {
      const open = await openTriggers();
      failures = 0;
      if (open > 0 || liveClients(dir) > 0) lastBusy = Date.now();
      else if (idleMs > 0 && Date.now() - lastBusy >= idleMs) {
        // Under the start lock, with the record removed first, then leases and triggers
        // counted again: a command starting a trigger right now either is seen here (and the
        // record comes back) or finds no record and starts a new service once this one is gone.
        const release = await acquireLock(path.join(dir, 'service.lock'));
        try {
          removeServiceRecord(dir, opts.token);
          if (liveClients(dir) === 0 && (await openTriggers()) === 0) {
            log(`no open trigger for ${opts.idleMinutes} min`);
            await stop('idle');
          } else {
            writeServiceRecord(dir, rec);
            lastBusy = Date.now();
          }
        } catch (e) {
          if (!stopping) writeServiceRecord(dir, rec);
          throw e;
        } finally {
          release();
        }
      }
    } catch (e) {
      // The dev server is gone (killed): a worker without a server is no service.
      if (++failures >= 5) void stop(`the dev server does not answer: ${(e as Error).message}`);
    }
  };
  const every = Math.max(200, Math.min(30_000, idleMs > 0 ? idleMs / 4 : 30_000));
  const timer = setInterval(() => void check(), every);
  await running.catch(() => {});
  await (stopping ?? stop('worker stopped'));
}
