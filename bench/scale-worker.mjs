// One trigger worker in its own process for bench/scale.ts, run from a checkout's build (dist/)
// given as SCALE_WORKER.root: this tree or a baseline commit's worktree, so that the old and the
// new design run side by side in one benchmark, each as users run it (plain node, the pre-built
// workflow bundle). Prints READY once it polls.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.env.SCALE_WORKER ?? '{}');
// The SDK as the checkout resolves it: one copy of its native runtime in the process.
const sdk = createRequire(path.join(spec.root, 'package.json')).resolve('@temporalio/worker');
const { NativeConnection, Runtime, DefaultLogger } = await import(pathToFileURL(sdk).href);
const load = (rel) => import(pathToFileURL(path.join(spec.root, 'dist', rel)).href);
const { createTriggerWorker } = await load('worker.js');
const { parseConfig } = await load('options/config.js');
Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: spec.address });
const worker = await createTriggerWorker({
  connection,
  taskQueue: spec.taskQueue,
  config: parseConfig(spec.config),
  consoleDir: spec.consoleDir,
  searchAttributes: [],
  workflowBundle: { codePath: path.join(spec.root, 'dist', 'workflow-bundle.js') },
  ...(spec.workerOptions ? { workerOptions: spec.workerOptions } : {}),
});
const running = worker.run();
// What the process holds at its peak RSS (the main thread's JS heap, external, array buffers;
// the rest is the workflow thread's V8 heap, the SDK's Rust core and code), written where the
// bench reads it.
let peakRss = 0;
setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss <= peakRss) return;
  peakRss = m.rss;
  if (spec.memoryFile) writeFileSync(spec.memoryFile, JSON.stringify(m));
}, 2000).unref();
process.stdout.write('READY\n');
process.on('SIGTERM', () => worker.shutdown());
await running;
await connection.close();
