import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness } from '../support/harness.js';

/**
 * docs/design.md §5: the history does not grow with the build's length. A 5 s and a 120 s
 * build, both polled every second, must produce nearly the same number of events.
 */
describe('history size', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          { name: 'short', build: { durationMs: 5_000, consoleLines: 10 } },
          { name: 'long', build: { durationMs: 120_000, consoleLines: 240 } },
        ],
      },
    });
  });
  after(() => h?.teardown());

  test('events of a 5 s and a 120 s build at 1 s polling differ by at most 3', async () => {
    const [short, long] = await Promise.all([
      h.start({ job: 'short', pollInterval: 1, enhancedLogging: true }),
      h.start({ job: 'long', pollInterval: 1, enhancedLogging: true }),
    ]);
    const [s, l] = await Promise.all([short.result(), long.result()]);
    assert.equal(s.result, 'SUCCESS');
    assert.equal(l.result, 'SUCCESS');
    const count = async (id: string) => (await h.client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0;
    const [shortEvents, longEvents] = await Promise.all([count(short.workflowId), count(long.workflowId)]);
    // The long build was polled ~120 times (build + console): none of that is in history.
    const polls = h.emulator.requests({ pathPrefix: `/job/long/${l.buildNumber}/api/json` }).length;
    assert.ok(polls >= 60, `the long build was polled ${polls} times`);
    console.log(`history events: 5 s build ${shortEvents}, 120 s build ${longEvents} (${polls} build polls)`);
    assert.ok(Math.abs(longEvents - shortEvents) <= 3, `5 s: ${shortEvents} events, 120 s: ${longEvents} events`);
  });
});
