import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { RemoteJobOutcome } from '../../src/workflow.js';
import { Harness } from '../support/harness.js';
import { orchestrationBundle } from '../support/workflows.js';

/**
 * allRemoteJobs: the concurrency limit seen from Jenkins (the emulator counts the builds in
 * progress at once), batches, and fail-fast. History sizes for large N are in bench/fan-out.ts.
 */
describe('fan-out with allRemoteJobs', () => {
  let h: Harness;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = () => `${h.taskQueue}-user`;

  before(async () => {
    h = await Harness.start({
      scenario: {
        // Enough executors that only the workflow's limit can hold builds back.
        executors: 400,
        jobs: [{ name: 'fan', parameters: [{ name: 'I' }], concurrentBuild: true, build: { durationMs: 1500 } }],
        scripts: { fail: { durationMs: 200, result: 'FAILURE' }, slow: { durationMs: 300_000 } },
      },
      config: (url) => ({ remoteHosts: [{ name: 'emu', url }] }),
    });
    // The user's workflow runs on its own worker; every child goes to the remote-trigger worker.
    worker = await Worker.create({ connection: h.env.nativeConnection, taskQueue: taskQueue(), workflowBundle: await orchestrationBundle() });
    running = worker.run();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await h?.teardown();
  });

  test('200 triggers with concurrency 20: all run, never more than 20 builds at once, in batches of 100', async () => {
    const outcomes = (await h.client.workflow.execute('fanOut', {
      taskQueue: taskQueue(),
      workflowId: 'fan-200',
      args: [{ host: 'emu', taskQueue: h.taskQueue, n: 200, concurrency: 20 }],
    })) as RemoteJobOutcome[];
    assert.equal(outcomes.length, 200);
    assert.ok(outcomes.every((o) => !o.failed && o.result === 'SUCCESS'));
    const builds = h.emulator.builds('fan');
    assert.equal(builds.length, 200, 'one build per trigger');
    assert.deepEqual(new Set(builds.map((b) => b.parameters.I)).size, 200);
    // Outcomes come back in list order.
    outcomes.forEach((o, i) => assert.equal(builds.find((b) => b.number === o.buildNumber)?.parameters.I, String(i)));
    const peak = h.emulator.peakRunningBuilds();
    assert.ok(peak <= 20, `at most 20 builds at once, the emulator saw ${peak}`);
    assert.ok(peak > 1, `the triggers ran in parallel (peak ${peak})`);
    // The parent records one child per batch, not one per trigger.
    const events = (await h.client.workflow.getHandle('fan-200').fetchHistory()).events ?? [];
    assert.equal(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length, 2);
  });

  test('failFast: the first failure stops the rest; running builds with abortTriggeredJob are aborted', async () => {
    h.emulator.setJob({ name: 'fan-ff', parameters: [{ name: 'I' }], concurrentBuild: true, build: { durationMs: 300_000 } });
    const err = await h.client.workflow
      .execute('fanOut', {
        taskQueue: taskQueue(),
        workflowId: 'fan-fail-fast',
        args: [{ host: 'emu', taskQueue: h.taskQueue, n: 12, concurrency: 3, failFast: true, failAt: 1, job: 'fan-ff', abortTriggeredJob: true }],
      })
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    const cause = err.cause as { type?: string; details?: unknown[] };
    assert.equal(cause.type, 'RemoteBuildFailed');
    const outcomes = cause.details?.[0] as RemoteJobOutcome[];
    assert.equal(outcomes.length, 12);
    assert.equal(outcomes[1]!.result, 'FAILURE');
    const builds = h.emulator.builds('fan-ff');
    assert.ok(builds.length < 12, `triggers after the failure were not started (${builds.length} builds)`);
    assert.ok(builds.filter((b) => b.parameters.I !== '1').every((b) => b.result === 'ABORTED'), JSON.stringify(builds));
    assert.ok(outcomes.filter((o, i) => i !== 1).every((o) => o.failed && (o.error?.type === 'Cancelled' || o.error === null || o.result === 'ABORTED')));
  });

  test('without failFast every trigger runs, then the failure is reported with every outcome', async () => {
    const err = await h.client.workflow
      .execute('fanOut', { taskQueue: taskQueue(), workflowId: 'fan-wait-all', args: [{ host: 'emu', taskQueue: h.taskQueue, n: 6, concurrency: 3, failAt: 2 }] })
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    const cause = err.cause as { type?: string; details?: unknown[] };
    assert.equal(cause.type, 'RemoteJobsFailed');
    const outcomes = cause.details?.[0] as RemoteJobOutcome[];
    assert.deepEqual(outcomes.map((o) => o.result), ['SUCCESS', 'SUCCESS', 'FAILURE', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
  });
});
