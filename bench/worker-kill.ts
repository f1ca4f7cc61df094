/**
 * How soon waiting triggers resume on a new worker when theirs stops (docs/design.md §16.1).
 *
 *   node --import tsx bench/worker-kill.ts [--n 50] [--heartbeat 10,60] [--poll 10]
 *
 * N triggers wait for long builds on one worker process. That worker is then stopped, a new one
 * started at once, and for each trigger the bench takes the time from the stop until its build
 * wait runs again (its `watchBuild` activity started anew, on the new worker). Then the builds end
 * and each trigger must finish SUCCESS with exactly one build.
 *
 * Baseline in the same run: a graceful stop (SIGTERM), where the hub hands its waits back at
 * once. Against it, SIGKILL for each wait heartbeat timeout given (the worker's
 * REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS, default 240): a killed worker cannot hand anything back,
 * so its waits resume when Temporal times out their heartbeat.
 */
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { Harness } from '../test/support/harness.js';
import { spawnWorker, type Proc } from '../test/support/processes.js';
import { eventually } from '../test/support/wait.js';
import { benchOptions, percentile } from './options.js';

const { arg, command } = benchOptions('bench/worker-kill.ts');
const N = Number(arg('n', '50'));
const heartbeats = arg('heartbeat', '10,60').split(',').map(Number);
const poll = Number(arg('poll', '10'));
const say = (line: string) => process.stderr.write(`[worker-kill ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Row {
  how: string;
  heartbeatS: number;
  p50: number;
  max: number;
  finished: number;
  exactlyOnce: boolean;
}

async function round(how: 'SIGTERM' | 'SIGKILL', heartbeatS: number): Promise<Row> {
  process.env.REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS = String(heartbeatS);
  // Builds long enough to outlast the stop and the heartbeat timeout, short enough to end the round.
  const buildMs = (heartbeatS + 40) * 1000;
  const h = await Harness.start({
    scenario: { executors: N + 5, jobs: [{ name: 'long', concurrentBuild: true, parameters: [{ name: 'RUN' }], build: { durationMs: buildMs } }] },
    worker: false,
  });
  let second: Proc | null = null;
  try {
    const spec = await h.workerSpec();
    const first = await spawnWorker(spec, { quiet: true });
    const handles = await Promise.all(Array.from({ length: N }, (_, i) => h.start({ job: 'long', parameters: { RUN: String(i) }, pollInterval: poll }, `wait-${how}-${heartbeatS}-${i}`)));
    // Every trigger waits for its running build.
    await eventually(async () => (await Promise.all(handles.map((x) => x.state()))).every((s) => s.status === 'RUNNING'), 'all builds to run', 120_000, 500);
    say(`${how}, heartbeat timeout ${heartbeatS} s: ${N} triggers wait; stopping their worker`);
    const stoppedAt = Date.now();
    await first.kill(how);
    second = await spawnWorker(spec, { quiet: true });
    const resumed = new Map<string, number>();
    await eventually(
      async () => {
        await Promise.all(
          handles.filter((x) => !resumed.has(x.workflowId)).map(async (x) => {
            const d = await h.client.workflow.getHandle(x.workflowId).describe();
            const watch = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'watchBuild');
            const started = optionalTsToMs(watch?.lastStartedTime) ?? 0;
            if (watch && (watch.attempt ?? 1) >= 2 && started >= stoppedAt) resumed.set(x.workflowId, started - stoppedAt);
          }),
        );
        return resumed.size === N;
      },
      'every wait to resume on the new worker',
      (heartbeatS + 120) * 1000,
      500,
    );
    const results = await Promise.all(handles.map((x) => h.client.workflow.getHandle(x.workflowId).result()));
    const builds = h.emulator.builds('long');
    const exactlyOnce = builds.length === N && new Set(builds.map((b) => JSON.stringify(b.parameters))).size === N;
    const times = [...resumed.values()].map((ms) => ms / 1000);
    return { how, heartbeatS, p50: percentile(times, 50), max: Math.max(...times), finished: results.filter((s) => s.result === 'SUCCESS').length, exactlyOnce };
  } finally {
    await second?.kill('SIGKILL');
    await h.teardown();
  }
}

const rows: Row[] = [await round('SIGTERM', heartbeats[0]!)];
for (const hb of heartbeats) rows.push(await round('SIGKILL', hb));

console.log(`\ncommand: ${command}`);
console.log(`${N} triggers waiting on one worker process (pollInterval ${poll} s); a new worker is started as soon as the first one is stopped\n`);
console.log('| stop | wait heartbeat timeout | waits resumed after p50 / max | finished SUCCESS | one build each |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.how} | ${r.heartbeatS} s | ${r.p50.toFixed(1)} / ${r.max.toFixed(1)} s | ${r.finished} of ${N} | ${r.exactlyOnce ? 'yes' : 'NO'} |`);
