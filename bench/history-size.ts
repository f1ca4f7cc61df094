/**
 * History events per trigger against build length (docs/design.md §5), at 1 s polling with
 * enhancedLogging: the baseline is the shortest build in the same run.
 *
 *   node --import tsx bench/history-size.ts
 */
import { Harness } from '../test/support/harness.js';

const durations = [5, 30, 120];
const h = await Harness.start({
  scenario: { executors: 10, jobs: durations.map((s) => ({ name: `b${s}`, build: { durationMs: s * 1000, consoleLines: s * 2 } })) },
});
try {
  const handles = await Promise.all(durations.map((s) => h.start({ job: `b${s}`, pollInterval: 1, enhancedLogging: true })));
  const rows: Array<[number, number, number]> = [];
  for (const [i, handle] of handles.entries()) {
    const s = await handle.result();
    const events = (await h.client.workflow.getHandle(handle.workflowId).fetchHistory()).events?.length ?? 0;
    const polls = h.emulator.requests({ pathPrefix: `/job/b${durations[i]}/${s.buildNumber}/api/json` }).length;
    rows.push([durations[i]!, polls, events]);
  }
  console.log('\ncommand: node --import tsx bench/history-size.ts');
  console.log('| build | build polls | history events | events / baseline |');
  console.log('|---|---|---|---|');
  for (const [d, polls, events] of rows) console.log(`| ${d} s | ${polls} | ${events} | ${(events / rows[0]![2]).toFixed(2)} |`);
  console.log('\nOne activity per poll would add ~11 events per poll (docs/design.md §5).');
} finally {
  await h.teardown();
}
