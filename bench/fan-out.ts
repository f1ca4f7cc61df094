/**
 * History of a fan-out (allRemoteJobs, docs/design.md §3.6): events of the parent, of each batch
 * workflow and of each trigger, for N triggers of a short build.
 *
 *   node --import tsx bench/fan-out.ts [N=1000] [concurrency=50] [batchSize=100]
 */
import { Worker } from '@temporalio/worker';
import { Harness } from '../test/support/harness.js';
import { orchestrationBundle } from '../test/support/workflows.js';

const n = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 50);
const batchSize = Number(process.argv[4] ?? 100);

const h = await Harness.start({
  scenario: { executors: 1000, jobs: [{ name: 'fan', parameters: [{ name: 'I' }], concurrentBuild: true, build: { durationMs: 500 } }] },
  config: (url) => ({ remoteHosts: [{ name: 'emu', url }] }),
});
const worker = await Worker.create({ connection: h.env.nativeConnection, taskQueue: `${h.taskQueue}-user`, workflowBundle: await orchestrationBundle() });
const running = worker.run();
try {
  const started = Date.now();
  const outcomes = (await h.client.workflow.execute('fanOut', {
    taskQueue: `${h.taskQueue}-user`,
    workflowId: 'bench-fan-out',
    args: [{ host: 'emu', taskQueue: h.taskQueue, n, concurrency, batchSize }],
  })) as Array<{ failed: boolean }>;
  const wallMs = Date.now() - started;
  const history = async (id: string) => (await h.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const count = async (id: string) => (await history(id)).length;
  const childrenOf = async (id: string) => (await history(id)).flatMap((e) => (e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ? [e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId] : []));
  const parent = await count('bench-fan-out');
  const direct = await childrenOf('bench-fan-out');
  const batchIds = direct.filter((id) => id.includes('/batch-'));
  const batches: number[] = [];
  const triggerIds: string[] = batchIds.length === 0 ? direct : [];
  for (const b of batchIds) {
    batches.push(await count(b));
    triggerIds.push(...(await childrenOf(b)));
  }
  // A sample of ten triggers for the per-trigger figure.
  const children: number[] = [];
  for (let i = 0; i < triggerIds.length; i += Math.max(1, Math.floor(triggerIds.length / 10))) children.push(await count(triggerIds[i]!));
  const total = parent + batches.reduce((a, b) => a + b, 0) + children.reduce((a, b) => a + b, 0) / children.length * n;
  console.log(`\ncommand: node --import tsx bench/fan-out.ts ${n} ${concurrency} ${batchSize}`);
  console.log(`triggers: ${n}, failed: ${outcomes.filter((o) => o.failed).length}, builds: ${h.emulator.builds('fan').length}, peak builds at once: ${h.emulator.peakRunningBuilds()}, wall: ${(wallMs / 1000).toFixed(1)} s`);
  console.log('| workflow | history events |');
  console.log('|---|---|');
  console.log(`| parent (allRemoteJobs) | ${parent} |`);
  if (batches.length > 0) console.log(`| each batch of ${batchSize} (largest of ${batches.length}) | ${Math.max(...batches)} |`);
  console.log(`| each trigger (remoteJob, max of ${children.length} sampled) | ${Math.max(...children)} |`);
  console.log(`| all together (approx.) | ${Math.round(total)} |`);
} finally {
  worker.shutdown();
  await running;
  await h.teardown();
}
