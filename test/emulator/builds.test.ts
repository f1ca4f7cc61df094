import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorScenario } from '../../src/emulator/index.js';
import { getJson, http, post, startEmulator } from '../support/emulator.js';
import { eventually } from '../support/wait.js';

const scenario: EmulatorScenario = {
  csrf: { enabled: false },
  leftItemNoExecutableMs: 0,
  jobs: [
    {
      name: 'demo',
      build: {
        durationMs: 600,
        consoleLines: 6,
        resultBeforeEndMs: 150,
        artifacts: { 'out/report.json': '{"tests":42}', 'notes.txt': 'hello' },
      },
    },
    { name: 'long', build: { durationMs: 30_000, consoleLines: 3 } },
    { name: 'flaky', build: { durationMs: 50, result: 'FAILURE' } },
  ],
};

async function firstBuild(url: string, job: string): Promise<Record<string, any>> {
  await post(`${url}/job/${job}/build`);
  return eventually(async () => {
    const res = await http(`${url}/job/${job}/1/api/json`);
    return res.status === 200 ? ((await res.json()) as Record<string, any>) : undefined;
  }, `${job} #1`);
}

test('progressiveText: offsets chain, X-More-Data disappears at the end, chunks add up to consoleText', async (t) => {
  const emu = await startEmulator(t, scenario);
  const running = await firstBuild(emu.url, 'demo');
  assert.equal(running.building, true);
  assert.equal(running.inProgress, true);
  assert.equal(running.result, null);
  assert.equal(running.duration, 0);
  assert.deepEqual(running.executor, {});

  let start = 0;
  let log = '';
  let polls = 0;
  for (;;) {
    const res = await http(`${emu.url}/job/demo/1/logText/progressiveText?start=${start}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
    log += await res.text();
    start = Number(res.headers.get('x-text-size'));
    polls += 1;
    const more = res.headers.get('x-more-data');
    if (more === null) break;
    assert.equal(more, 'true');
    await new Promise((r) => setTimeout(r, 40));
  }
  assert.ok(polls > 1, 'the log was followed while it was written');
  const whole = await (await http(`${emu.url}/job/demo/1/consoleText`)).text();
  assert.equal(log, whole);
  assert.equal(start, Buffer.byteLength(whole));
  assert.match(whole, /^Started by user anonymous\n/);
  assert.match(whole, /line 1\n[^]*line 6\n/);
  assert.match(whole, /Finished: SUCCESS\n$/);

  const done = await getJson(`${emu.url}/job/demo/1/api/json`);
  assert.equal(done.building, false);
  assert.equal(done.inProgress, false);
  assert.equal(done.result, 'SUCCESS');
  assert.equal(done.executor, null);
  assert.ok(done.duration > 0);

  // A start beyond the end restarts from 0 ("text rolled over").
  const rolled = await http(`${emu.url}/job/demo/1/logText/progressiveText?start=${start + 1000}`);
  assert.equal(await rolled.text(), whole);
  assert.equal(rolled.headers.get('x-more-data'), null);
});

test('result turns non-null before building turns false', async (t) => {
  const emu = await startEmulator(t, scenario);
  await firstBuild(emu.url, 'demo');
  const early = await eventually(async () => {
    const b = await getJson(`${emu.url}/job/demo/lastBuild/api/json`);
    return b.result !== null || !b.building ? b : undefined;
  }, 'result');
  // With a 150 ms lead a 15 ms poll sees the window, unless the machine stalled for that long.
  if (early.building) assert.equal(early.result, 'SUCCESS');
  const job = await getJson(`${emu.url}/job/demo/api/json`);
  assert.equal(job.lastBuild.number, 1);
  assert.equal(job.nextBuildNumber, 2);
});

test('stop: 302 to the build, then ABORTED; a finished build is a 302 no-op; unknown is 404', async (t) => {
  const emu = await startEmulator(t, scenario);
  await firstBuild(emu.url, 'long');
  const res = await post(`${emu.url}/job/long/1/stop`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), `${emu.url}/job/long/1/`);
  const stopped = await eventually(async () => {
    const b = await getJson(`${emu.url}/job/long/1/api/json`);
    return !b.building ? b : undefined;
  }, 'stop');
  assert.equal(stopped.result, 'ABORTED');
  const log = await (await http(`${emu.url}/job/long/1/consoleText`)).text();
  assert.match(log, /Aborted by anonymous\nFinished: ABORTED\n$/);

  assert.equal((await post(`${emu.url}/job/long/1/stop`)).status, 302);
  assert.equal((await post(`${emu.url}/job/long/9/stop`)).status, 404);
  assert.equal((await http(`${emu.url}/job/long/1/stop`)).status, 405);
  const term = await post(`${emu.url}/job/long/1/term`);
  assert.equal(term.status, 302);
  assert.equal((await http(term.headers.get('location')!)).status, 404);
});

test('artifacts: listed once archived, served with a content type, 404 when missing', async (t) => {
  const emu = await startEmulator(t, scenario);
  await firstBuild(emu.url, 'demo');
  const done = await eventually(async () => {
    const b = await getJson(`${emu.url}/job/demo/1/api/json`);
    return b.building ? undefined : b;
  }, 'build end');
  assert.deepEqual(done.artifacts, [
    { displayPath: 'report.json', fileName: 'report.json', relativePath: 'out/report.json' },
    { displayPath: 'notes.txt', fileName: 'notes.txt', relativePath: 'notes.txt' },
  ]);
  const file = await http(`${emu.url}/job/demo/1/artifact/out/report.json`);
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'application/json');
  assert.deepEqual(await file.json(), { tests: 42 });
  assert.equal((await http(`${emu.url}/job/demo/1/artifact/out/missing.txt`)).status, 404);
  assert.equal((await http(`${emu.url}/job/demo/7/artifact/notes.txt`)).status, 404);
});

test('unknown builds and permalinks 404; results colour the job', async (t) => {
  const emu = await startEmulator(t, scenario);
  assert.equal((await http(`${emu.url}/job/flaky/lastBuild/api/json`)).status, 404);
  assert.equal((await getJson(`${emu.url}/job/flaky/api/json`)).color, 'notbuilt');
  await firstBuild(emu.url, 'flaky');
  await eventually(() => (emu.builds('flaky')[0]?.building === false ? true : undefined), 'flaky end');
  const job = await getJson(`${emu.url}/job/flaky/api/json`);
  assert.equal(job.color, 'red');
  assert.equal(job.lastFailedBuild.number, 1);
  assert.equal((await http(`${emu.url}/job/flaky/2/api/json`)).status, 404);
});

test('named scripts are picked by the EMULATOR_SCRIPT parameter', async (t) => {
  const emu = await startEmulator(t, {
    ...scenario,
    jobs: [{ name: 'p', parameters: [{ name: 'X' }], build: { durationMs: 50 } }],
    scripts: { broken: { durationMs: 50, result: 'UNSTABLE' } },
  });
  await post(`${emu.url}/job/p/buildWithParameters?X=1&EMULATOR_SCRIPT=broken`);
  const b = await eventually(() => (emu.builds('p')[0]?.building === false ? emu.builds('p')[0] : undefined), 'scripted build');
  assert.equal(b.result, 'UNSTABLE');
  assert.deepEqual(b.parameters, { X: '1' }, 'undefined parameters are not kept, as in Jenkins');
});
