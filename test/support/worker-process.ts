/**
 * A worker in its own process, so tests can kill it with SIGKILL (a crash: no graceful
 * cancellation, no last heartbeat). Spawned by `spawnWorker` (processes.ts); reads its settings from
 * the WORKER_SPEC environment variable and prints READY once it polls.
 */
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { parseConfig } from '../../src/options/config.js';
import { createTriggerWorker } from '../../src/worker.js';
import type { WorkerSpec } from './processes.js';

const spec = JSON.parse(process.env.WORKER_SPEC ?? '{}') as WorkerSpec;
Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: spec.address });
const worker = await createTriggerWorker({
  connection,
  taskQueue: spec.taskQueue,
  config: parseConfig(spec.config ?? {}),
  consoleDir: spec.consoleDir,
  workflowBundle: { codePath: spec.bundlePath },
  // A crashed worker's sticky queue would hold workflow tasks for 10 s by default.
  workerOptions: { stickyQueueScheduleToStartTimeout: '1s' },
});
const running = worker.run();
process.stdout.write('READY\n');
await running;
await connection.close();
