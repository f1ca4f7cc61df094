import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { sharedBundle } from '../support/harness.js';
import { GOLDEN_PATHS } from './paths.js';

/**
 * Determinism: every committed golden history (test/golden, one per path through the
 * workflow) must replay against the current workflow code. A change that would break
 * triggers already running fails here. Needs no server.
 */
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'golden');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('golden histories replay against the current workflow code', () => {
  test('there is a golden history for every recorded path', () => {
    assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), GOLDEN_PATHS.map((p) => p.name).sort());
  });

  for (const file of files) {
    test(file, async () => {
      // The CLI's JSON export; the SDK converts it (string event ids) itself.
      const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { events: unknown[] };
      assert.ok(history.events.length > 3, 'a real history');
      await Worker.runReplayHistory({ workflowBundle: await sharedBundle(), replayName: file }, history as never, `golden-${file.replace(/\.json$/, '')}`);
    });
  }
});
