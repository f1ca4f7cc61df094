import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorScenario } from '../../src/emulator/index.js';
import { advance, basic, form, getJson, http, post, queueIdOf, startEmulator } from '../support/emulator.js';
import { eventually } from '../support/wait.js';

const scenario: EmulatorScenario = {
  csrf: { enabled: false },
  leftItemNoExecutableMs: 0,
  jobs: [{ name: 'plain', build: { durationMs: 50 } }, { name: 'p', parameters: [{ name: 'ID' }], quietPeriodMs: 60_000 }],
};

test('status503 with times:2 answers "restarting" twice, then the request goes through', async (t) => {
  const emu = await startEmulator(t, scenario);
  emu.addFault({ kind: 'status503', path: '/job/plain/*', times: 2 });
  for (let i = 0; i < 2; i++) {
    const res = await http(`${emu.url}/job/plain/api/json`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /Jenkins is restarting/);
  }
  assert.equal((await http(`${emu.url}/job/plain/api/json`)).status, 200);
  assert.deepEqual(
    emu.requests({ pathPrefix: '/job/plain' }).map((r) => [r.status, r.fault]),
    [[503, 'status503'], [503, 'status503'], [200, undefined]],
  );
});

test('other answer faults: status500, html200, loginRedirect; method and RegExp matching', async (t) => {
  const emu = await startEmulator(t, scenario);
  emu.addFault({ kind: 'html200', method: 'GET', path: /tree=/, times: 1 });
  emu.addFault({ kind: 'status500', method: 'POST', path: '/job/plain/build', times: 1 });
  emu.addFault({ kind: 'loginRedirect', path: '/queue/api/json' });

  const sso = await http(`${emu.url}/job/plain/api/json?tree=color`);
  assert.equal(sso.status, 200);
  assert.match(sso.headers.get('content-type')!, /^text\/html/);
  assert.equal((await http(`${emu.url}/job/plain/api/json?tree=color`)).status, 200);

  assert.equal((await post(`${emu.url}/job/plain/build`)).status, 500);
  assert.equal((await post(`${emu.url}/job/plain/build`)).status, 201);

  const login = await http(`${emu.url}/queue/api/json`);
  assert.equal(login.status, 403);
  assert.equal(login.headers.get('x-you-are-authenticated-as'), 'anonymous');
  emu.clearFaults();
  assert.equal((await http(`${emu.url}/queue/api/json`)).status, 200);
});

test('reset drops the connection without an answer', async (t) => {
  const emu = await startEmulator(t, scenario);
  emu.addFault({ kind: 'reset', path: '/job/plain/build', times: 1 });
  await assert.rejects(post(`${emu.url}/job/plain/build`));
  assert.equal(emu.queueItems().length, 0, 'nothing was queued');
  assert.equal(emu.requests()[0]?.status, 0);
});

test('acceptThenDrop queues the build although the client only sees an error', async (t) => {
  const emu = await startEmulator(t, scenario);
  emu.addFault({ kind: 'acceptThenDrop', path: '/job/p/buildWithParameters', times: 1 });
  await assert.rejects(post(`${emu.url}/job/p/buildWithParameters`, form({ ID: 'req-1' })));
  assert.deepEqual(emu.queueItems(), [{ id: 100, job: 'p', state: 'waiting' }]);
  // The retry lands on the same item: that is how a client recovers without a second build.
  const retry = await post(`${emu.url}/job/p/buildWithParameters`, form({ ID: 'req-1' }));
  assert.equal(retry.status, 303);
  assert.equal(queueIdOf(retry), 100);
  assert.equal(emu.requests()[0]?.fault, 'acceptThenDrop');
});

test('slow and acceptThenSlow delay the answer; the client may give up', async (t) => {
  const emu = await startEmulator(t, scenario);
  // Emulator time stands still until the test moves it: an answer is due exactly when the
  // clock reaches its delay.
  emu.clock.pause();
  const lastRequest = () => emu.requests().at(-1)!;
  emu.addFault({ kind: 'slow', path: '/api/json', delayMs: 150, times: 1 });
  const slow = http(`${emu.url}/api/json`);
  await eventually(() => emu.requests().length === 1, 'the slow request to arrive');
  await advance(emu, 149);
  assert.equal(lastRequest().status, 0, 'not answered 1 ms before the delay is over');
  await advance(emu, 1);
  assert.equal((await slow).status, 200);
  assert.equal(lastRequest().status, 200);
  assert.equal(lastRequest().answeredAt! - lastRequest().at, 150, 'answered exactly 150 ms (emulator time) after it arrived');

  // acceptThenSlow: processed at once, answered late; the client gives up first.
  emu.addFault({ kind: 'acceptThenSlow', path: '/job/p/buildWithParameters', delayMs: 60_000, times: 1 });
  const giveUp = new AbortController();
  const accepted = post(`${emu.url}/job/p/buildWithParameters?ID=x`, { signal: giveUp.signal });
  await eventually(() => lastRequest().path === '/job/p/buildWithParameters', 'the trigger POST to arrive');
  assert.equal(emu.queueItems().length, 1, 'processed before the delay');
  giveUp.abort();
  await assert.rejects(accepted);
  await eventually(() => lastRequest().abandoned, 'the emulator to see the client go');
  assert.equal(lastRequest().status, 201, 'the status the client never received');

  // slow: a request abandoned by its client is never processed, even once its delay is over.
  emu.addFault({ kind: 'slow', path: '/job/plain/build', delayMs: 60_000, times: 1 });
  const abandon = new AbortController();
  const dropped = post(`${emu.url}/job/plain/build`, { signal: abandon.signal });
  await eventually(() => lastRequest().path === '/job/plain/build', 'the slow POST to arrive');
  abandon.abort();
  await assert.rejects(dropped);
  await eventually(() => lastRequest().abandoned, 'the emulator to see the client go');
  await advance(emu, 60_000);
  assert.equal(emu.queueItems().length, 1, 'a slow request abandoned by its client is never processed');
  assert.equal(lastRequest().status, 0);
});

test('restart(): 503 while down, then left items are gone and old crumbs are invalid', async (t) => {
  const emu = await startEmulator(t, { ...scenario, csrf: { enabled: true }, security: { users: [{ name: 'u', password: 'pw', apiTokens: ['t'] }] } });
  const token = basic('u', 't');
  const id = queueIdOf(await post(`${emu.url}/job/plain/build`, { headers: { authorization: token } }));
  await eventually(async () => ((await getJson(`${emu.url}/queue/item/${id}/api/json`, { headers: { authorization: token } })).executable ? true : undefined), 'executable');
  const crumbRes = await http(`${emu.url}/crumbIssuer/api/json`, { headers: { authorization: basic('u', 'pw') } });
  const { crumb } = (await crumbRes.json()) as { crumb: string };
  const cookie = crumbRes.headers.getSetCookie()[0]!.split(';')[0]!;

  // Down for exactly 200 ms of emulator time, held still while it is looked at.
  emu.clock.pause();
  emu.restart({ downMs: 200 });
  const down = await http(`${emu.url}/api/json`, { headers: { authorization: token } });
  assert.equal(down.status, 503);
  assert.match(await down.text(), /Your browser will reload automatically when Jenkins is ready/);
  emu.clock.advance(199);
  assert.equal((await http(`${emu.url}/api/json`, { headers: { authorization: token } })).status, 503, 'still down 1 ms before the end');
  emu.clock.advance(1);
  assert.equal((await http(`${emu.url}/api/json`, { headers: { authorization: token } })).status, 200, 'back up');

  assert.equal((await http(`${emu.url}/queue/item/${id}/api/json`, { headers: { authorization: token } })).status, 404);
  const job = await getJson(`${emu.url}/job/plain/api/json`, { headers: { authorization: token } });
  assert.equal(job.builds[0].queueId, id, 'the build survives and still names its queue id');
  const stale = await post(`${emu.url}/job/plain/build`, { headers: { authorization: basic('u', 'pw'), 'Jenkins-Crumb': crumb, cookie } });
  assert.equal(stale.status, 403);
});

test('the request log redacts credentials, cookies, crumbs and job tokens', async (t) => {
  const emu = await startEmulator(t, { ...scenario, jobs: [{ name: 'tok', token: 'sekrit', quietPeriodMs: 60_000 }] });
  await http(`${emu.url}/job/tok/build?token=sekrit&cause=x`, {
    headers: { authorization: basic('someone', 'pw'), cookie: 'JSESSIONID.1234=abc; other=def', 'Jenkins-Crumb': 'c0ffee' },
  });
  await post(`${emu.url}/job/tok/build`, form({ token: 'sekrit', cause: 'y' }));
  const [first, second] = emu.requests();
  assert.ok(first && second);
  assert.equal(first.headers.authorization, 'Basic ***');
  assert.equal(first.headers.cookie, 'JSESSIONID.1234=***; other=***');
  assert.equal(first.headers['jenkins-crumb'], '***');
  assert.deepEqual(first.query, { token: '***', cause: 'x' });
  assert.equal(second.body, 'token=***&cause=y');
  assert.equal(JSON.stringify(emu.requests()).includes('sekrit'), false);
  assert.equal(first.status, 401, 'unknown user');
  assert.equal(second.status, 201);
});

test('admin API over HTTP: never recorded, no auth needed', async (t) => {
  const emu = await startEmulator(t, { ...scenario, security: { users: [{ name: 'u', apiTokens: ['t'] }] } });
  const admin = `${emu.url}/_emulator`;
  const put = await fetch(`${admin}/jobs`, { method: 'PUT', body: JSON.stringify({ name: 'added', build: { durationMs: 20 } }) });
  assert.equal(put.status, 204);
  const bad = await fetch(`${admin}/jobs`, { method: 'PUT', body: JSON.stringify({ name: 'x', build: { durationMs: 'soon' } }) });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /build\.durationMs/);

  assert.equal((await fetch(`${admin}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status503', path: '/api/json', times: 1 }) })).status, 204);
  assert.equal((await http(`${emu.url}/api/json`, { headers: { authorization: basic('u', 't') } })).status, 503);
  await fetch(`${admin}/faults`, { method: 'DELETE' });

  assert.equal((await post(`${emu.url}/job/added/build`, { headers: { authorization: basic('u', 't') } })).status, 201);
  const builds = await eventually(async () => {
    const list = (await (await fetch(`${admin}/builds?job=added`)).json()) as Array<{ number: number; building: boolean }>;
    return list.length === 1 && !list[0]!.building ? list : undefined;
  }, 'build via admin API');
  assert.equal(builds[0]!.number, 1);
  assert.equal((await fetch(`${admin}/builds?job=nope`)).status, 404);

  const recorded = (await (await fetch(`${admin}/requests`)).json()) as Array<{ path: string }>;
  assert.deepEqual(recorded.map((r) => r.path), ['/api/json', '/job/added/build']);
  assert.equal((await fetch(`${admin}/requests`, { method: 'DELETE' })).status, 204);
  assert.equal(emu.requests().length, 0);

  emu.clock.pause();
  assert.equal((await fetch(`${admin}/restart?downMs=100`, { method: 'POST' })).status, 204);
  assert.equal((await http(`${emu.url}/api/json`)).status, 503);
  emu.clock.advance(100);
  assert.equal((await http(`${emu.url}/api/json`, { headers: { authorization: basic('u', 't') } })).status, 200, 'up again after downMs');
});
