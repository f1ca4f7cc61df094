/**
 * What durability costs: the same triggers (blocking, 1 s polling, 0.5 s builds) run once
 * through Temporal (dev server + worker, as a user would) and once as a plain loop over the
 * same Jenkins client (the baseline: what a non-durable script does), against one emulator in
 * the same run. Prints latencies, throughput and the ratios.
 *
 *   node --import tsx bench/trigger-overhead.ts [N]
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { JenkinsClient } from '../src/jenkins/index.js';
import { Harness } from '../test/support/harness.js';

const N = Number(process.argv[2] ?? 20);
const POLL_MS = 1000;
const h = await Harness.start({
  scenario: { executors: 100, jobs: [{ name: 'bench', parameters: [{ name: 'RUN' }], concurrentBuild: true, build: { durationMs: 500 } }] },
});

/** The baseline: the plugin's algorithm as a plain loop (no durability). */
async function direct(run: string): Promise<void> {
  const jenkins = new JenkinsClient({ root: h.emulator.url, auth: { kind: 'none' } });
  const jobUrl = `${h.emulator.url}/job/bench`;
  const info = await jenkins.getJobInfo(jobUrl);
  const { queueId } = await jenkins.triggerBuild({ jobUrl, parameterized: info.parameterized, parameters: [['RUN', run]] });
  let buildUrl: string | null = null;
  for (;;) {
    const item = await jenkins.getQueueItem(queueId);
    if (item.executable) {
      buildUrl = item.executable.url;
      break;
    }
    await sleep(POLL_MS);
  }
  for (;;) {
    const b = await jenkins.getBuild(buildUrl);
    if (!b.building && b.result !== null) return;
    await sleep(POLL_MS);
  }
}

async function durable(run: string): Promise<void> {
  const handle = await h.start({ job: 'bench', parameters: { RUN: run }, pollInterval: POLL_MS / 1000, queuePollInterval: POLL_MS / 1000 });
  await handle.result();
}

async function measure(kind: string, fn: (run: string) => Promise<void>) {
  const latencies: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn(`${kind}-seq-${i}`);
    latencies.push(performance.now() - t);
  }
  const t = performance.now();
  await Promise.all(Array.from({ length: N }, (_, i) => fn(`${kind}-par-${i}`)));
  const parallelMs = performance.now() - t;
  latencies.sort((a, b) => a - b);
  return {
    mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p50: latencies[Math.floor(latencies.length / 2)]!,
    p95: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]!,
    parallelMs,
  };
}

try {
  await durable('warm-up');
  await direct('warm-up');
  const base = await measure('direct', direct);
  const temporal = await measure('durable', durable);
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`\ncommand: node --import tsx bench/trigger-overhead.ts ${N}`);
  console.log(`${N} blocking triggers of a 0.5 s build, polling every ${POLL_MS} ms, sequential then all at once\n`);
  console.log('| | mean latency | p50 | p95 | all at once (wall) |');
  console.log('|---|---|---|---|---|');
  console.log(`| plain loop (baseline) | ${f(base.mean)} | ${f(base.p50)} | ${f(base.p95)} | ${f(base.parallelMs)} |`);
  console.log(`| Temporal workflow | ${f(temporal.mean)} | ${f(temporal.p50)} | ${f(temporal.p95)} | ${f(temporal.parallelMs)} |`);
  console.log(`| ratio | ${(temporal.mean / base.mean).toFixed(2)} | ${(temporal.p50 / base.p50).toFixed(2)} | ${(temporal.p95 / base.p95).toFixed(2)} | ${(temporal.parallelMs / base.parallelMs).toFixed(2)} |`);
} finally {
  await h.teardown();
}
