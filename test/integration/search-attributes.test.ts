import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listTriggersWith, type TriggerSummary } from '../../src/list.js';
import { checkSearchAttributes, registerSearchAttributes, SEARCH_ATTRIBUTE_NAMES, type OperatorServiceLike } from '../../src/search-attributes.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

const SCENARIO = {
  jobs: [
    { name: 'alpha', parameters: [{ name: 'P' }], build: { durationMs: 300 } },
    { name: 'beta', parameters: [{ name: 'P' }], build: { durationMs: 300, result: 'FAILURE' as const } },
    { name: 'long', parameters: [{ name: 'P' }], concurrentBuild: true, build: { durationMs: 120_000 } },
  ],
};

/** Upserts in a history: the commands the workflow issued for its search attributes. */
async function upserts(h: Harness, id: string): Promise<Array<Record<string, unknown>>> {
  const history = await h.client.workflow.getHandle(id).fetchHistory();
  const { defaultPayloadConverter } = await import('@temporalio/common');
  return (history.events ?? [])
    .filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)
    .map((e) => {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes?.indexedFields ?? {};
      // The SDK records patches in TemporalChangeVersion, a system attribute: not ours.
      return Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'TemporalChangeVersion').map(([k, p]) => [k, defaultPayloadConverter.fromPayload(p)]));
    })
    .filter((u) => Object.keys(u).length > 0);
}

describe('search attributes registered: triggers are found by job, status and result', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ scenario: SCENARIO, searchAttributes: true });
  });
  after(() => h?.teardown());

  test('the worker found every attribute; the trigger upserts them as its state changes', async () => {
    const check = await checkSearchAttributes(h.env.nativeConnection.operatorService as unknown as OperatorServiceLike, 'default');
    assert.deepEqual(check.present.sort(), [...SEARCH_ATTRIBUTE_NAMES].sort());
    const handle = await h.start({ job: 'alpha', parameters: { P: 'sa' } });
    const s = await handle.result();
    const ups = await upserts(h, handle.workflowId);
    assert.deepEqual(ups[0], {
      RemoteJob: 'alpha',
      RemoteJobUrl: `${h.emulator.url}/job/alpha`,
      RemoteHost: h.emulator.url,
      RemoteBuildStatus: 'NOT_TRIGGERED',
      RemoteBuildResult: 'NOT_BUILT',
    });
    // Only what changed is upserted again.
    assert.deepEqual(ups.slice(1), [{ RemoteBuildStatus: 'QUEUED' }, { RemoteBuildStatus: 'RUNNING', RemoteBuildNumber: s.buildNumber }, { RemoteBuildStatus: 'FINISHED', RemoteBuildResult: 'SUCCESS' }]);
    const desc = await h.client.workflow.getHandle(handle.workflowId).describe();
    assert.equal(desc.searchAttributes.RemoteBuildResult?.[0], 'SUCCESS');
  });

  test('listTriggers filters by job, by status and by result, the newest first', async () => {
    const a1 = await h.start({ job: 'alpha', parameters: { P: 'a1' } });
    await a1.result();
    const a2 = await h.start({ job: 'alpha', parameters: { P: 'a2' } });
    await a2.result();
    const b1 = await h.start({ job: 'beta', parameters: { P: 'b1' } });
    await b1.result({ throwOnFailure: false });
    const running = await h.start({ job: 'long', parameters: { P: 'running' } });
    await eventually(async () => (await running.state()).status === 'RUNNING', 'RUNNING');

    // Visibility is eventually consistent: wait until the last upserts are indexed.
    const alpha: TriggerSummary[] = await eventually(async () => {
      const rows = await listTriggersWith(h.client, { job: 'alpha', status: 'FINISHED' });
      return rows.some((r) => r.id === a2.workflowId) ? rows : null;
    }, 'alpha triggers listed');
    const ids = alpha.map((r) => r.id);
    assert.ok(ids.indexOf(a2.workflowId) < ids.indexOf(a1.workflowId), 'the newest first');
    assert.ok(alpha.every((r) => r.job === 'alpha' && r.status === 'FINISHED' && r.result === 'SUCCESS'));
    assert.ok(!ids.includes(b1.workflowId) && !ids.includes(running.workflowId));

    const beta: TriggerSummary[] = await eventually(async () => {
      const rows = await listTriggersWith(h.client, { job: 'beta' });
      return rows.length === 1 && rows[0]!.status === 'FINISHED' ? rows : null;
    }, 'beta listed');
    assert.equal(beta[0]!.id, b1.workflowId);
    assert.equal(beta[0]!.result, 'FAILURE');
    assert.equal(beta[0]!.buildNumber, 1);

    const runningRows: TriggerSummary[] = await eventually(async () => {
      const rows = await listTriggersWith(h.client, { status: 'RUNNING' });
      return rows.length === 1 ? rows : null;
    }, 'the running trigger listed');
    assert.equal(runningRows[0]!.id, running.workflowId);
    assert.equal(runningRows[0]!.job, 'long');

    const failed = await listTriggersWith(h.client, { result: 'FAILURE' });
    assert.deepEqual(failed.map((r) => r.id), [b1.workflowId]);
    const limited = await listTriggersWith(h.client, { job: 'alpha', limit: 1 });
    assert.equal(limited.length, 1);
    const none = await listTriggersWith(h.client, { job: 'alpha', since: '1ms' });
    assert.deepEqual(none, []);
    await running.abort('test done');
  });
});

describe('search attributes not registered', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ scenario: SCENARIO });
  });
  after(() => h?.teardown());

  test('a worker on a namespace without the attributes still finishes its triggers, and sets none', async () => {
    const check = await checkSearchAttributes(h.env.nativeConnection.operatorService as unknown as OperatorServiceLike, 'default');
    assert.deepEqual(check.present, []);
    const handle = await h.start({ job: 'alpha', parameters: { P: 'plain' } });
    // An upsert of an unregistered attribute would fail the workflow task again and again: the
    // trigger would never end. Bound the wait so that the test fails instead of hanging.
    const s = await Promise.race([
      handle.result(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the trigger did not finish within 60 s (a failing workflow task?)')), 60_000).unref()),
    ]);
    assert.equal(s.result, 'SUCCESS');
    assert.deepEqual(await upserts(h, handle.workflowId), []);
  });

  test('registering is idempotent, and a worker started afterwards sets them', async () => {
    const op = h.env.nativeConnection.operatorService as unknown as OperatorServiceLike;
    const first = await registerSearchAttributes(op, 'default');
    assert.deepEqual(first.added.sort(), [...SEARCH_ATTRIBUTE_NAMES].sort());
    const second = await registerSearchAttributes(op, 'default');
    assert.deepEqual(second.added, []);
    assert.equal(second.present.length, SEARCH_ATTRIBUTE_NAMES.length);
    for (const w of [...(h as unknown as { workers: Map<unknown, unknown> }).workers.keys()]) await h.stopWorker(w as never);
    await h.startWorker();
    const handle = await h.start({ job: 'alpha', parameters: { P: 'after-setup' } });
    await handle.result();
    assert.equal((await upserts(h, handle.workflowId)).at(-1)?.RemoteBuildResult?.toString(), 'SUCCESS');
  });
});
