/**
 * Jenkins requests per trigger, and how soon a short build is reported, with the default
 * intervals: what the fast start of the queue and build polls (0.5, 1, 2, … s up to the
 * interval) costs. Three triggers against one emulator:
 *
 * - `short`: a 200 ms build, pollInterval 10 (the default): time from start to result;
 * - `cold`:  a 60 s build of a job that never built before (Jenkins has no estimated duration);
 * - `warm`:  a 60 s build of a job that built once before (Jenkins estimates 60 s).
 *
 * Requests are counted from the emulator's request log (method + path), per trigger.
 *
 *   node --import tsx bench/poll-requests.ts
 */
import { performance } from 'node:perf_hooks';
import type { RecordedRequest } from '../src/emulator/index.js';
import { Harness } from '../test/support/harness.js';

const LONG_MS = Number(process.env.BENCH_LONG_MS ?? 60_000);
const POLL = 10;
const h = await Harness.start({
  scenario: {
    executors: 10,
    jobs: [
      { name: 'short', build: { durationMs: 200 } },
      { name: 'cold', build: { durationMs: LONG_MS } },
      { name: 'warm', build: { durationMs: LONG_MS } },
    ],
  },
});

interface Figures {
  job: string;
  ms: number;
  total: number;
  queuePolls: number;
  buildPolls: number;
  other: number;
  pollTimes: string;
}

function count(job: string, queueId: number | null, reqs: RecordedRequest[], t0: number, ms: number): Figures {
  const mine = reqs.filter((r) => r.path.startsWith(`/job/${job}/`) || (queueId !== null && r.path.startsWith(`/queue/item/${queueId}/`)));
  const queuePolls = mine.filter((r) => r.path.startsWith('/queue/item/'));
  const buildPolls = mine.filter((r) => /^\/job\/[^/]+\/\d+\/api\/json/.test(r.path));
  const at = (rs: RecordedRequest[]) => rs.map((r) => ((r.at - t0) / 1000).toFixed(1)).join(' ');
  return {
    job,
    ms,
    total: mine.length,
    queuePolls: queuePolls.length,
    buildPolls: buildPolls.length,
    other: mine.length - queuePolls.length - buildPolls.length,
    pollTimes: `queue: ${at(queuePolls)} | build: ${at(buildPolls)}`,
  };
}

async function run(job: string, label = job): Promise<Figures> {
  const t0 = Date.now();
  const start = performance.now();
  const handle = await h.start({ job, pollInterval: POLL }, `bench-${label}-${t0}`);
  const s = await handle.result();
  const ms = performance.now() - start;
  return { ...count(job, s.queueId, h.emulator.requests(), t0, ms), job: label };
}

try {
  console.error('warm-up: one build of `warm`, so that Jenkins has an estimated duration for it');
  const warmUp = await run('warm', 'warm-up');
  h.emulator.clearRequests();
  const short = await run('short');
  const [cold, warm] = await Promise.all([run('cold'), run('warm')]);
  console.log(`\ncommand: node --import tsx bench/poll-requests.ts   (pollInterval ${POLL} s, queuePollInterval default, build ${LONG_MS / 1000} s)\n`);
  console.log('| trigger | time to result | requests | queue polls | build polls | other | poll times (s after start) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const f of [warmUp, short, cold, warm]) {
    console.log(`| ${f.job} | ${(f.ms / 1000).toFixed(2)} s | ${f.total} | ${f.queuePolls} | ${f.buildPolls} | ${f.other} | ${f.pollTimes} |`);
  }
} finally {
  await h.teardown();
}
