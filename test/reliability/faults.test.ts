import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { RemoteTriggerError, type RemoteJobHandle } from '../../src/handle.js';
import { Harness, postAsTest } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import { assertExactlyOnce, triggerPosts } from '../support/exactly-once.js';

/**
 * Jenkins' bad days (docs/RELIABILITY.md, "Jenkins faults"). Every fault has a defined outcome, asserted against the
 * emulator's request log and build list: transient trouble is ridden through, definitive
 * answers fail fast with Jenkins' own status and message, and a lost queue is reported as
 * BuildLost instead of hanging.
 */
describe('Jenkins faults', () => {
  let h: Harness;
  /** Forgets left queue items 50 ms after they leave the queue. */
  let expiring: JenkinsEmulator;
  /** Security on: anonymous may not read, user ci/pw may do anything. */
  let secured: JenkinsEmulator;
  const BAD_PASSWORD_ENV = 'RT_RELIABILITY_BAD_PASSWORD';

  before(async () => {
    process.env[BAD_PASSWORD_ENV] = 'not-the-password';
    const param = [{ name: 'N' }];
    expiring = new JenkinsEmulator({
      scenario: { leftItemExpiryMs: 50, jobs: [{ name: 'fast', parameters: param, concurrentBuild: true, build: { durationMs: 1500 } }] },
    });
    secured = new JenkinsEmulator({
      scenario: { security: { users: [{ name: 'ci', password: 'pw' }] }, jobs: [{ name: 'locked', build: { durationMs: 500 } }] },
    });
    await Promise.all([expiring.start(), secured.start()]);
    h = await Harness.start({
      scenario: {
        executors: 6,
        jobs: [
          { name: 'qgone', parameters: param, concurrentBuild: true, build: { durationMs: 2000, consoleLines: 3 } },
          { name: 'serial', parameters: param, build: { durationMs: 10_000, consoleLines: 12 } },
          { name: 'polls', parameters: param, concurrentBuild: true, build: { durationMs: 5000, consoleLines: 10 } },
          { name: 'crumbed', parameters: param, concurrentBuild: true, build: { durationMs: 500 } },
          { name: 'lostq', parameters: param, build: { durationMs: 500 } },
          { name: 'meta', parameters: param, build: { durationMs: 500 } },
        ],
        scripts: { blocker12: { durationMs: 12_000 }, blocker60: { durationMs: 60_000 } },
      },
      // The harness' workers are shared workers: the other two emulators are configured too,
      // and the 'bad' credential may go to the secured one.
      config: (url) => ({
        allowOrigins: [url, expiring.url],
        remoteHosts: [{ name: 'secured', url: secured.url }],
        credentials: { bad: { username: 'ci', passwordEnv: BAD_PASSWORD_ENV, origins: [secured.url, url] } },
      }),
    });
  });
  after(async () => {
    await Promise.all([expiring?.stop(), secured?.stop()]);
    await h?.teardown();
  });

  const stateIs = (handle: RemoteJobHandle, status: string) =>
    eventually(async () => (await handle.state()).status === status, `the trigger to be ${status}`, 60_000, 200);

  /** The failure a trigger ends with (it must fail). */
  async function failureOf(handle: RemoteJobHandle): Promise<RemoteTriggerError> {
    try {
      await handle.result();
    } catch (e) {
      assert.ok(e instanceof RemoteTriggerError, `expected a RemoteTriggerError, got ${String(e)}`);
      return e;
    }
    assert.fail('the trigger should have failed');
  }

  test('queue item gone after a Jenkins restart (build already started): found through builds[queueId], SUCCESS', async () => {
    // Hold every queue poll back with 503s until the build has started, then restart: the left
    // item is forgotten, so the next poll gets 404.
    h.emulator.addFault({ kind: 'status503', path: '/queue/item/*' });
    const handle = await h.start({ job: 'qgone', parameters: { N: 'gone' } });
    await eventually(() => h.emulator.builds('qgone').some((b) => b.parameters.N === 'gone'), 'the build to start');
    h.emulator.restart({ downMs: 300 });
    h.emulator.clearFaults();
    const s = await handle.result();
    assert.equal(s.result, 'SUCCESS');
    const build = h.emulator.builds('qgone').find((b) => b.parameters.N === 'gone')!;
    assert.equal(s.buildNumber, build.number);
    assert.equal(s.queueId, build.queueId);
    const itemPolls = h.emulator.requests({ pathPrefix: `/queue/item/${build.queueId}/` });
    assert.ok(itemPolls.some((r) => r.status === 404), 'a queue poll got 404');
    const lookups = h.emulator.requests({ method: 'GET', pathPrefix: '/job/qgone/api/json' }).filter((r) => /builds/.test(r.query.tree ?? ''));
    assert.ok(lookups.length >= 1, 'the builds[queueId] fallback was used');
    assert.equal(h.emulator.builds('qgone').length, 1, 'one build');
  });

  test('queue item expired before any poll saw the build (tiny leftItemExpiryMs): found through builds[queueId], SUCCESS', async () => {
    const handle = await h.start({ job: 'fast', remoteJenkinsUrl: expiring.url, parameters: { N: 'expired' } });
    const s = await handle.result();
    assert.equal(s.result, 'SUCCESS');
    const [build] = expiring.builds('fast');
    assert.equal(expiring.builds('fast').length, 1);
    assert.equal(s.buildNumber, build!.number);
    assert.ok(
      expiring.requests({ pathPrefix: `/queue/item/${build!.queueId}/` }).some((r) => r.status === 404),
      'the queue item had expired when polled',
    );
    assert.ok(expiring.requests({ pathPrefix: '/job/fast/api/json' }).some((r) => /builds/.test(r.query.tree ?? '')), 'builds[queueId] looked up');
  });

  test('503 windows while queued and while running: the trigger rides through, one build, console intact', async () => {
    // A running build of the non-concurrent job keeps our item Blocked in the queue.
    assert.equal((await postAsTest(h.emulator.url, '/job/serial/buildWithParameters?delay=0', 'N=blocker&EMULATOR_SCRIPT=blocker12')).status, 201);
    await eventually(() => h.emulator.builds('serial').some((b) => b.building), 'the blocker build to run');
    const handle = await h.start({ job: 'serial', parameters: { N: 's503' }, enhancedLogging: true });
    await stateIs(handle, 'QUEUED');
    h.emulator.addFault({ kind: 'status503', path: '/queue/item/*', times: 4 });
    await eventually(() => h.emulator.requests({ pathPrefix: '/queue/item/' }).filter((r) => r.fault === 'status503').length === 4, '4 queue polls to get 503');
    assert.equal((await handle.state()).status, 'QUEUED', 'the 503 window was while queued');
    await stateIs(handle, 'RUNNING');
    h.emulator.addFault({ kind: 'status503', path: '/job/serial/*', times: 4 });
    await eventually(() => h.emulator.requests({ pathPrefix: '/job/serial/' }).filter((r) => r.fault === 'status503').length === 4, '4 build polls to get 503');
    assert.equal((await handle.state()).status, 'RUNNING', 'the 503 window was while running');
    // And a whole Jenkins restart (503 for 2 s) while running.
    h.emulator.restart({ downMs: 2000 });
    const s = await handle.result();
    assert.equal(s.result, 'SUCCESS');
    await assertExactlyOnce({ emulator: h.emulator, job: 'serial', params: { N: 's503' }, state: s, posts: 'one', console: { dir: h.consoleDir, triggerId: handle.workflowId } });
    assert.equal(h.emulator.requests({ pathPrefix: '/job/serial/' }).filter((r) => r.fault === 'status503').length, 4);
    assert.ok(h.emulator.requests({ pathPrefix: '/job/serial/' }).some((r) => r.status === 503 && !r.fault), 'polls during the restart got 503');
  });

  /** A trigger of `polls` with faults added on its queue polls before it starts and on its build polls once it runs. */
  async function ridesThrough(kind: 'status500' | 'html200' | 'slow' | 'reset', N: string, extra: Record<string, unknown> = {}) {
    h.emulator.clearRequests();
    const delay = kind === 'slow' ? { delayMs: 3000 } : {};
    h.emulator.addFault({ kind, path: '/queue/item/*', times: 2, ...delay });
    const handle = await h.start({ job: 'polls', parameters: { N }, enhancedLogging: true, ...extra });
    await stateIs(handle, 'RUNNING');
    h.emulator.addFault({ kind, path: '/job/polls/*', times: 3, ...delay });
    const s = await handle.result();
    assert.equal(s.result, 'SUCCESS');
    await assertExactlyOnce({ emulator: h.emulator, job: 'polls', params: { N }, state: s, posts: 'one', console: { dir: h.consoleDir, triggerId: handle.workflowId } });
    const faulted = h.emulator.requests().filter((r) => r.fault === kind);
    assert.equal(faulted.filter((r) => r.path.startsWith('/queue/item/')).length, 2, `2 queue polls got ${kind}`);
    assert.equal(faulted.filter((r) => /^\/job\/polls\/\d+\//.test(r.path)).length, 3, `3 build/console polls got ${kind}`);
    return s;
  }

  test('500 Oops pages on queue and build polls: ridden through', async () => {
    await ridesThrough('status500', 'p500');
  });

  test('HTML 200 (an SSO/proxy page) where JSON was expected: retried, then fine (also on the job metadata)', async () => {
    h.emulator.addFault({ kind: 'html200', path: '/job/polls/api/json', times: 1 });
    await ridesThrough('html200', 'phtml');
    const meta = h.emulator.requests({ pathPrefix: '/job/polls/api/json' });
    assert.equal(meta[0]!.fault, 'html200');
    assert.equal(meta.length, 2, 'metadata: the HTML answer, then one retry');
  });

  test('answers slower than httpGetReadTimeout on polls: the poll times out and is retried', async () => {
    await ridesThrough('slow', 'pslow', { httpGetReadTimeout: 1000 });
    // The client gave up before the emulator answered.
    assert.ok(h.emulator.requests().filter((r) => r.fault === 'slow').every((r) => r.status === 0));
  });

  test('connections reset on polls: retried', async () => {
    await ridesThrough('reset', 'preset');
  });

  test('login redirect (403 page) on the job metadata: fails fast with a clear message, no retry storm', async () => {
    h.emulator.clearRequests();
    h.emulator.addFault({ kind: 'loginRedirect', path: '/job/meta/api/json' });
    const e = await failureOf(await h.start({ job: 'meta', parameters: { N: 'lr' } }));
    h.emulator.clearFaults();
    assert.equal(e.type, 'JenkinsRejected');
    assert.match(e.message, /HTTP 403 Forbidden/);
    assert.match(e.message, /Authentication required/);
    assert.match(e.message, /Missing permission hudson\.model\.Hudson\.Read \(authenticated as anonymous\)/);
    assert.equal(h.emulator.requests({ pathPrefix: '/job/meta/' }).length, 1, 'one metadata request, no retries');
    assert.equal(h.emulator.requests({ method: 'POST' }).length, 0, 'nothing triggered');
    assert.equal(e.state?.status, 'NOT_TRIGGERED');
  });

  test('401 / 403 / 404 on the job metadata: typed errors naming the status and Jenkins\' message, one request each', async () => {
    const cases = [
      { opts: { job: 'locked', auth: { type: 'CredentialsAuth' as const, credentials: 'bad' } }, status: /HTTP 401 Unauthorized – Unauthorized/, hint: /credentials/ },
      { opts: { job: 'locked' }, status: /HTTP 403 Forbidden – Authentication required/, hint: /Missing permission hudson\.model\.Hudson\.Read/ },
      { opts: { job: 'no-such-job', auth: { type: 'CredentialsAuth' as const, credentials: 'bad' } }, status: /HTTP 401/, hint: /credentials/ },
    ];
    for (const c of cases) {
      secured.clearRequests();
      const e = await failureOf(await h.start({ remoteJenkinsUrl: secured.url, ...c.opts }));
      assert.equal(e.type, 'JenkinsRejected', e.message);
      assert.match(e.message, c.status);
      assert.match(e.message, c.hint);
      assert.equal(secured.requests().length, 1, `one request for ${JSON.stringify(c.opts)}: ${secured.requests().map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')}`);
    }
    // 404: an unknown job on the open emulator.
    h.emulator.clearRequests();
    const e = await failureOf(await h.start({ job: 'does-not-exist' }));
    assert.equal(e.type, 'JenkinsRejected');
    assert.match(e.message, /HTTP 404 Not Found – This page may not exist, or you may not have permission to see it/);
    assert.equal(h.emulator.requests({ pathPrefix: '/job/does-not-exist' }).length, 1, 'no blind retry of a 404');
  });

  test('a crumb cached before a Jenkins restart is refused (403 No valid crumb): refreshed once, build triggered once', async () => {
    const first = await (await h.start({ job: 'crumbed', parameters: { N: 'c1' }, useCrumbCache: true })).result();
    assert.equal(first.result, 'SUCCESS');
    h.emulator.restart({ downMs: 300 });
    await eventually(async () => (await fetch(`${h.emulator.url}/api/json`)).status === 200, 'Jenkins to be back from the restart');
    h.emulator.clearRequests();
    const s = await (await h.start({ job: 'crumbed', parameters: { N: 'c2' }, useCrumbCache: true })).result();
    assert.equal(s.result, 'SUCCESS');
    const posts = triggerPosts(h.emulator, 'crumbed');
    assert.deepEqual(posts.map((r) => r.status), [403, 201], 'the stale crumb was refused, then one POST with a fresh crumb');
    assert.equal(h.emulator.requests({ pathPrefix: '/crumbIssuer/' }).length, 1, 'one fresh crumb');
    assert.equal(h.emulator.builds('crumbed').filter((b) => b.parameters.N === 'c2').length, 1, 'one build');
  });

  test('the queue lost in a Jenkins restart before the build started: the trigger fails with BuildLost, no hang', async () => {
    assert.equal((await postAsTest(h.emulator.url, '/job/lostq/buildWithParameters?delay=0', 'N=blocker&EMULATOR_SCRIPT=blocker60')).status, 201);
    await eventually(() => h.emulator.builds('lostq').some((b) => b.building), 'the blocker build to run');
    const handle = await h.start({ job: 'lostq', parameters: { N: 'lost' } });
    await stateIs(handle, 'QUEUED');
    const queueId = (await handle.state()).queueId!;
    assert.equal(h.emulator.queueItems().find((q) => q.id === queueId)?.state, 'blocked');
    h.emulator.restart({ downMs: 1000, loseQueue: true });
    const e = await failureOf(handle);
    assert.equal(e.type, 'BuildLost');
    assert.match(e.message, new RegExp(`Queue item ${queueId} no longer exists`));
    // No hang: a bounded number of looks (LOST_ITEM_LOOKS, src/activities/watch.ts), each a 404
    // on the item and a search of builds[queueId], then no more polls. (How long that takes:
    // bench/build-lost.ts.)
    const itemPolls = h.emulator.requests({ pathPrefix: `/queue/item/${queueId}/` });
    const looks = itemPolls.filter((r) => r.status === 404);
    assert.equal(looks.length, 5, `queue item polls: ${itemPolls.map((r) => r.status).join(' ')}`);
    assert.equal(itemPolls.at(-1), looks.at(-1), 'no poll after the last look');
    const searches = h.emulator.requests({ method: 'GET', pathPrefix: '/job/lostq/api/json' }).filter((r) => /builds/.test(r.query.tree ?? '') && r.seq > looks[0]!.seq);
    assert.ok(searches.length >= looks.length, `builds[queueId] searched after each look: ${searches.length}`);
    assert.equal(e.state?.status, 'QUEUED');
    assert.equal(h.emulator.builds('lostq').filter((b) => b.parameters.N === 'lost').length, 0, 'no build');
    assert.equal(triggerPosts(h.emulator, 'lostq', { N: 'lost' }).length, 1, 'not re-triggered');
  });
});
