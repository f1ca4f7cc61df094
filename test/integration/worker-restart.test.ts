import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { ConsoleStore } from '../../src/activities/console-store.js';
import { assertExactlyOnce } from '../support/exactly-once.js';
import { Harness } from '../support/harness.js';
import { spawnWorker } from '../support/processes.js';
import { eventually } from '../support/wait.js';

/**
 * A worker stopped or killed mid-build and replaced: the trigger finishes with the right
 * result, made exactly one remote build, and lost or repeated no console line.
 */
describe('worker replaced mid-build', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: { jobs: [{ name: 'build', parameters: [{ name: 'RUN' }], concurrentBuild: true, build: { durationMs: 15_000, consoleLines: 150 } }] },
      worker: false,
    });
  });
  after(() => h?.teardown());

  async function finishesExactlyOnce(triggerId: string, run: string) {
    const state = await h.client.workflow.getHandle(triggerId).result();
    assert.equal(state.result, 'SUCCESS');
    await assertExactlyOnce({ emulator: h.emulator, job: 'build', params: { RUN: run }, state, posts: 'one', console: { dir: h.consoleDir, triggerId } });
  }

  test('SIGKILL of the worker process mid-build, then a new worker finishes the trigger', async () => {
    const first = await spawnWorker(await h.workerSpec());
    const handle = await h.start({ job: 'build', parameters: { RUN: 'kill' }, enhancedLogging: true });
    // Kill once the build runs and part of the console has been copied.
    await eventually(async () => {
      const s = await handle.state();
      if (s.status !== 'RUNNING') return false;
      const text = await readFile(new ConsoleStore(h.consoleDir).logPath(handle.workflowId), 'utf8').catch(() => '');
      return text.split('\n').length > 20;
    }, 'the build to run with console copied');
    await first.kill('SIGKILL');
    // No worker can answer the state query now; the server's record tells what became of the
    // trigger: the dead worker's watch timed out on its heartbeat and is scheduled again, and
    // the workflow still runs.
    const desc = await eventually(
      async () => {
        const d = await h.client.workflow.getHandle(handle.workflowId).describe();
        const watch = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'watchBuild');
        // Done once the first attempt is over: retried, or (wrongly) no longer pending.
        return d.status.name !== 'RUNNING' || !watch || (watch.attempt ?? 1) >= 2 ? d : null;
      },
      "the dead worker's watch to time out",
      60_000,
      250,
    );
    assert.equal(desc.status.name, 'RUNNING');
    const watch = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'watchBuild');
    assert.ok(watch && (watch.attempt ?? 1) >= 2, `the watch is scheduled again after the dead worker's heartbeat timeout: ${JSON.stringify(desc.raw.pendingActivities)}`);
    assert.match(watch.lastFailure?.message ?? '', /heartbeat/i, 'the first attempt ended on its heartbeat timeout');
    const second = await h.startWorker({ workerOptions: { stickyQueueScheduleToStartTimeout: '1s' } });
    await finishesExactlyOnce(handle.workflowId, 'kill');
    await h.stopWorker(second);
  });

  test('graceful shutdown of the worker mid-build, then a new worker finishes the trigger', async () => {
    const first = await h.startWorker();
    const handle = await h.start({ job: 'build', parameters: { RUN: 'stop' }, enhancedLogging: true });
    await eventually(async () => (await handle.state()).status === 'RUNNING', 'the build to run');
    await h.stopWorker(first);
    await h.startWorker();
    await finishesExactlyOnce(handle.workflowId, 'stop');
  });
});
