import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FaultKind } from '../../src/emulator/types.js';
import { Harness, postAsTest } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import { activityOutcomes, triggerPosts } from '../support/exactly-once.js';

/**
 * At most one remote build per trigger (docs/design.md §6.2). Jenkins accepts the
 * trigger POST but the answer is lost (the connection drops, or the answer comes after the
 * client gave up). The trigger activity fails as TriggerAmbiguous; its next attempt finds what
 * the first one created (queue item or build) instead of posting again.
 */
describe('at most once: the trigger POST accepted, its answer lost', () => {
  let h: Harness;
  before(async () => {
    const marker = { name: 'REMOTE_TRIGGER_ID' };
    h = await Harness.start({
      scenario: {
        executors: 6,
        jobs: [
          // Not concurrent: while a blocker build runs, our item stays in the queue.
          { name: 'marked', parameters: [{ name: 'N' }, marker], build: { durationMs: 1000 } },
          { name: 'params', parameters: [{ name: 'N' }], build: { durationMs: 1000 } },
          { name: 'plain', build: { durationMs: 1000 } },
          // Concurrent: the build starts at once, before the retry looks.
          { name: 'marked-started', parameters: [{ name: 'N' }, marker], concurrentBuild: true, build: { durationMs: 4000 } },
          { name: 'params-started', parameters: [{ name: 'N' }], concurrentBuild: true, build: { durationMs: 4000 } },
        ],
        scripts: { blocker: { durationMs: 7000 } },
      },
    });
  });
  after(() => h?.teardown());

  interface Case {
    job: string;
    kind: Extract<FaultKind, 'acceptThenDrop' | 'acceptThenSlow'>;
    parameters?: Record<string, string>;
    /** Send a parameter the job does not define (otherwise refused before the POST). */
    allowUndefinedParameters?: boolean;
    /** Keep our item queued behind a running build of the same job. */
    blocked: boolean;
    recovered: 'queue' | 'build';
  }

  async function lostAnswer(c: Case) {
    const jobPath = `/job/${c.job}`;
    const endpoint = c.parameters ? 'buildWithParameters' : 'build';
    const before = h.emulator.builds(c.job).length;
    if (c.blocked) {
      const body = c.parameters ? 'N=blocker' : '';
      assert.equal((await postAsTest(h.emulator.url, `${jobPath}/${endpoint}?delay=0&EMULATOR_SCRIPT=blocker`, body)).status, 201);
      await eventually(() => h.emulator.builds(c.job).some((b) => b.building), 'the blocker build to run');
    }
    h.emulator.clearRequests();
    // acceptThenSlow answers 4 s late; the client gives up after httpPostReadTimeout (1 s, the minimum).
    h.emulator.addFault({ kind: c.kind, method: 'POST', path: `${jobPath}/${endpoint}`, times: 1, delayMs: 4000 });
    const handle = await h.start({ job: c.job, ...(c.parameters ? { parameters: c.parameters } : {}), httpPostReadTimeout: 1000, ...(c.allowUndefinedParameters ? { allowUndefinedParameters: true } : {}) });
    const s = await handle.result();
    assert.equal(s.result, 'SUCCESS');

    // Exactly one build for this trigger, the one its state names.
    const created = h.emulator.builds(c.job).slice(before);
    assert.equal(created.length, c.blocked ? 2 : 1, `builds created: ${JSON.stringify(created)}`);
    const ours = created.at(-1)!;
    assert.equal(s.buildNumber, ours.number);
    assert.equal(s.queueId, ours.queueId);

    // One POST: the one whose answer was lost. The second attempt looked instead of posting.
    const posts = triggerPosts(h.emulator, c.job);
    assert.equal(posts.length, 1, `trigger POSTs: ${posts.map((p) => `${p.status}/${p.fault}`).join(', ')}`);
    assert.equal(posts[0]!.fault, c.kind);
    assert.equal(posts[0]!.status, 201, 'Jenkins accepted the lost POST');
    const lookups = h.emulator.requests({ method: 'GET' }).filter((r) => r.seq > posts[0]!.seq);
    assert.ok(lookups.some((r) => r.path === '/queue/api/json'), 'the retry looked at the queue');

    // History: the trigger activity needed a second attempt, which recovered the earlier request.
    const [trigger] = await activityOutcomes(h.client, handle.workflowId, 'triggerBuild');
    assert.ok(trigger && trigger.attempts >= 2, `triggerBuild attempts: ${trigger?.attempts}`);
    assert.equal((trigger.result as { recovered: string }).recovered, c.recovered);
    return { state: s, build: ours };
  }

  test('(a) job with the marker parameter, answer dropped: found in the queue by REMOTE_TRIGGER_ID', async () => {
    const { state, build } = await lostAnswer({ job: 'marked', kind: 'acceptThenDrop', parameters: { N: 'a-drop' }, blocked: true, recovered: 'queue' });
    assert.equal(build.parameters.REMOTE_TRIGGER_ID, state.triggerId, 'the trigger id is sent as the marker');
  });

  test('(a) job with the marker parameter, answer after the client gave up: found in the queue', async () => {
    await lostAnswer({ job: 'marked', kind: 'acceptThenSlow', parameters: { N: 'a-slow' }, blocked: true, recovered: 'queue' });
  });

  test('(b) parameterized job without the marker, answer dropped: found in the queue by its parameters', async () => {
    const { build } = await lostAnswer({ job: 'params', kind: 'acceptThenDrop', parameters: { N: 'b-drop' }, blocked: true, recovered: 'queue' });
    assert.deepEqual(build.parameters, { N: 'b-drop' });
  });

  test('(b) parameterized job without the marker, answer after the client gave up: found in the queue', async () => {
    await lostAnswer({ job: 'params', kind: 'acceptThenSlow', parameters: { N: 'b-slow' }, blocked: true, recovered: 'queue' });
  });

  test('(c) non-parameterized job, answer dropped: found in the queue', async () => {
    await lostAnswer({ job: 'plain', kind: 'acceptThenDrop', blocked: true, recovered: 'queue' });
  });

  test('(c) non-parameterized job, answer after the client gave up: found in the queue', async () => {
    await lostAnswer({ job: 'plain', kind: 'acceptThenSlow', blocked: true, recovered: 'queue' });
  });

  test('build already started before the retry (marker): recovered through the builds list', async () => {
    await lostAnswer({ job: 'marked-started', kind: 'acceptThenDrop', parameters: { N: 'd-drop' }, blocked: false, recovered: 'build' });
  });

  test('build already started before the retry (parameters, no marker): recovered through the builds list', async () => {
    await lostAnswer({ job: 'params-started', kind: 'acceptThenSlow', parameters: { N: 'd-slow' }, blocked: false, recovered: 'build' });
  });

  test('a parameter the job does not declare (Jenkins drops it) does not hide the earlier build from the retry', async () => {
    // Before the fix the retry compared EXTRA too, found nothing, and posted a second build.
    const { build } = await lostAnswer({
      job: 'params-started',
      kind: 'acceptThenDrop',
      parameters: { N: 'e-extra', EXTRA: 'dropped-by-jenkins' },
      allowUndefinedParameters: true,
      blocked: false,
      recovered: 'build',
    });
    assert.deepEqual(build.parameters, { N: 'e-extra' });
  });
});
