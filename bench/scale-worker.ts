/**
 * One trigger worker in its own process for bench/scale.ts, built from a checkout given as
 * SCALE_WORKER.root: the current tree or a baseline commit's worktree, so that the old and the
 * new design run side by side in one benchmark. Prints READY once it polls.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';

interface Spec {
  root: string;
  address: string;
  taskQueue: string;
  consoleDir: string;
  config: unknown;
  bundlePath: string;
}

const spec = JSON.parse(process.env.SCALE_WORKER ?? '{}') as Spec;
const load = (rel: string) => import(pathToFileURL(path.join(spec.root, rel)).href);
const { createTriggerWorker, bundleWorkflows } = await load('src/worker.ts');
// `--bundle FILE`: only write the checkout's workflow bundle (the bundler's memory stays out of
// the worker's peak RSS).
if (process.argv[2] === '--bundle') {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(process.argv[3]!, (await bundleWorkflows()).code);
  process.exit(0);
}
const { parseConfig } = await load('src/options/config.ts');
Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: spec.address });
const worker = await createTriggerWorker({
  connection,
  taskQueue: spec.taskQueue,
  config: parseConfig(spec.config),
  consoleDir: spec.consoleDir,
  searchAttributes: [],
  workflowBundle: { codePath: spec.bundlePath },
});
const running = worker.run();
process.stdout.write('READY\n');
process.on('SIGTERM', () => worker.shutdown());
await running;
await connection.close();
