/**
 * How soon a trigger whose queue item was lost (a Jenkins restart that dropped the queue) fails
 * with BuildLost instead of waiting forever: time from the restart to the failure, and the
 * queue polls it took, for a few queue poll intervals. test/reliability/faults.test.ts asserts
 * the outcome and the number of looks; this measures the time.
 *
 *   node --import tsx bench/build-lost.ts [interval …]   (queue poll intervals in seconds; default 1 2)
 */
import { performance } from 'node:perf_hooks';
import { Harness } from '../test/support/harness.js';
import { eventually } from '../test/support/wait.js';

const intervals = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (intervals.length === 0) intervals.push(1, 2);
const h = await Harness.start({
  scenario: { jobs: [{ name: 'lostq', parameters: [{ name: 'N' }], build: { durationMs: 500 } }], scripts: { blocker: { durationMs: 600_000 } } },
});

try {
  const rows: string[] = [];
  for (const interval of intervals) {
    // A running build of the (non-concurrent) job keeps the trigger's item in the queue.
    await h.emulatorPost('/job/lostq/buildWithParameters?delay=0', `N=blocker-${interval}&EMULATOR_SCRIPT=blocker`);
    await eventually(() => h.emulator.builds('lostq').some((b) => b.parameters.N === `blocker-${interval}` && b.building), 'the blocker build to run');
    const handle = await h.start({ job: 'lostq', parameters: { N: `lost-${interval}` }, pollInterval: interval, queuePollInterval: interval });
    await eventually(async () => (await handle.state()).status === 'QUEUED', 'the trigger to be queued');
    const queueId = (await handle.state()).queueId!;
    const t0 = performance.now();
    h.emulator.restart({ downMs: 1000, loseQueue: true });
    const outcome = await handle.result().then(
      () => 'SUCCESS (unexpected)',
      (e: Error & { type?: string }) => e.type ?? e.name,
    );
    const ms = performance.now() - t0;
    const polls = h.emulator.requests({ pathPrefix: `/queue/item/${queueId}/` });
    rows.push(`| ${interval} s | ${outcome} | ${(ms / 1000).toFixed(1)} s | ${polls.filter((r) => r.status === 404).length} | ${polls.length} |`);
    // Stop the blocker: the next run starts from an idle job.
    const blocker = h.emulator.builds('lostq').find((b) => b.parameters.N === `blocker-${interval}`)!;
    await h.emulatorPost(`/job/lostq/${blocker.number}/stop`, '');
    await eventually(() => !h.emulator.builds('lostq').some((b) => b.building), 'the blocker to stop');
  }
  console.log(`\ncommand: node --import tsx bench/build-lost.ts ${intervals.join(' ')}   (Jenkins down 1 s, queue lost)\n`);
  console.log('| queue poll interval | outcome | restart → failure | 404 looks | item polls |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await h.teardown();
}
