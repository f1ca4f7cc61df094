import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { ConsoleStore } from '../../src/activities/console-store.js';
import { Harness } from '../support/harness.js';

/** enhancedLogging: the remote console reaches the worker's console store in order, once. */
describe('console streaming', () => {
  let h: Harness;
  const received = new Map<string, string>();
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          { name: 'chatty', build: { durationMs: 3000, consoleLines: 200 } },
          // A line that looks like JSON: the plugin parsed such a chunk and lost it (docs/plugin-compat.md §7.2).
          { name: 'json-line', build: { durationMs: 2500, consoleLines: ['{"looks":"like json"}', 'ünïcödé ✓', 'last'] } },
        ],
      },
      worker: false,
    });
    await h.startWorker({ onConsole: (id, text) => received.set(id, (received.get(id) ?? '') + text) });
  });
  after(() => h?.teardown());

  for (const job of ['chatty', 'json-line']) {
    test(`${job}: the store holds exactly Jenkins' consoleText`, async () => {
      const s = await (await h.start({ job, enhancedLogging: true })).result();
      const expected = await (await fetch(`${s.buildUrl}consoleText`)).text();
      const stored = await readFile(new ConsoleStore(h.consoleDir).logPath(s.triggerId), 'utf8');
      assert.equal(stored, expected);
      assert.equal(received.get(s.triggerId), expected);
      assert.match(stored, /Finished: SUCCESS/);
      // Several polls happened, so the log arrived in more than one chunk.
      const chunks = h.emulator.requests({ pathPrefix: `/job/${job}/${s.buildNumber}/logText/progressiveText` });
      assert.ok(chunks.length >= 2, `expected several progressiveText calls, got ${chunks.length}`);
    });
  }

  test('without enhancedLogging no console is fetched', async () => {
    const s = await (await h.start({ job: 'json-line' })).result();
    assert.equal(h.emulator.requests({ pathPrefix: `/job/json-line/${s.buildNumber}/logText` }).length, 0);
  });
});
