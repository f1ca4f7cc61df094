import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorScenario, JenkinsEmulator } from '../../src/emulator/index.js';
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

/**
 * Starts build #1 of `job` on a paused clock: the build exists at emulator time 0 of its
 * timeline, and nothing of it moves until the test advances the clock.
 */
async function heldBuild(emu: JenkinsEmulator, job: string): Promise<Record<string, any>> {
  emu.clock.pause();
  assert.equal((await post(`${emu.url}/job/${job}/build`)).status, 201);
  emu.clock.advance(0); // queue maintenance: the item leaves the queue, the build starts
  return getJson(`${emu.url}/job/${job}/1/api/json`);
}

test('progressiveText: offsets chain, X-More-Data disappears at the end, chunks add up to consoleText', async (t) => {
  const emu = await startEmulator(t, scenario);
  const running = await heldBuild(emu, 'demo');
  assert.equal(running.building, true);
  assert.equal(running.inProgress, true);
  assert.equal(running.result, null);
  assert.equal(running.duration, 0);
  assert.deepEqual(running.executor, {});

  // demo: 600 ms, 6 lines spread over it (one about every 86 ms), then "Finished" at 600 ms
  // and the log closed 50 ms later. A poll every 100 ms of emulator time follows it.
  let start = 0;
  let log = '';
  const chunks: string[] = [];
  for (;;) {
    const res = await http(`${emu.url}/job/demo/1/logText/progressiveText?start=${start}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
    const chunk = await res.text();
    chunks.push(chunk);
    log += chunk;
    start = Number(res.headers.get('x-text-size'));
    assert.equal(start, Buffer.byteLength(log), 'X-Text-Size is the next offset');
    const more = res.headers.get('x-more-data');
    if (more === null) break;
    assert.equal(more, 'true');
    assert.ok(chunks.length < 20, 'the log ends');
    emu.clock.advance(100);
  }
  // Polls at 0, 100, …, 700 ms: each of the first seven saw new text while the build ran, the
  // last one only the end of the log.
  assert.deepEqual(
    chunks.map((c) => c.split('\n').filter(Boolean).map((l) => (/^line \d$|^Finished/.test(l) ? l : 'header'))),
    [['header', 'header', 'header'], ['line 1'], ['line 2'], ['line 3'], ['line 4'], ['line 5'], ['line 6', 'Finished: SUCCESS'], []],
  );
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
  await heldBuild(emu, 'demo');
  const at = async () => {
    const b = await getJson(`${emu.url}/job/demo/lastBuild/api/json`);
    return { building: b.building, result: b.result };
  };
  // demo: 600 ms with resultBeforeEndMs 150, so the result is known from 450 ms on.
  emu.clock.advance(449);
  assert.deepEqual(await at(), { building: true, result: null });
  emu.clock.advance(1);
  assert.deepEqual(await at(), { building: true, result: 'SUCCESS' }, 'the result is set while the build still runs');
  emu.clock.advance(149);
  assert.deepEqual(await at(), { building: true, result: 'SUCCESS' });
  emu.clock.advance(1);
  assert.deepEqual(await at(), { building: false, result: 'SUCCESS' });
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
  const running = await heldBuild(emu, 'demo');
  assert.deepEqual(running.artifacts, [], 'nothing is archived while the build runs');
  assert.equal((await http(`${emu.url}/job/demo/1/artifact/notes.txt`)).status, 404);
  // Archived with the result (450 ms), before the build ends.
  emu.clock.advance(450);
  const done = await getJson(`${emu.url}/job/demo/1/api/json`);
  assert.equal(done.building, true);
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
