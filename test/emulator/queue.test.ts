import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorScenario } from '../../src/emulator/index.js';
import { getJson, http, post, queueIdOf, startEmulator } from '../support/emulator.js';

const base: EmulatorScenario = { csrf: { enabled: false }, jobs: [] };

async function itemJson(url: string, id: number): Promise<Record<string, any> | undefined> {
  const res = await http(`${url}/queue/item/${id}/api/json`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

test('life cycle: waiting -> left without executable -> left with executable -> 404 after expiry', async (t) => {
  const emu = await startEmulator(t, {
    ...base,
    jobs: [{ name: 'nightly', quietPeriodMs: 150, build: { durationMs: 100 } }],
    leftItemNoExecutableMs: 150,
    leftItemExpiryMs: 800,
  });
  // Emulator time stands still between the steps below: each state is held while it is read.
  emu.clock.pause();
  const id = queueIdOf(await post(`${emu.url}/job/nightly/build`));
  assert.equal(id, 100);
  const waiting = await itemJson(emu.url, id);
  assert.equal(waiting?._class, 'hudson.model.Queue$WaitingItem');
  assert.equal(typeof waiting?.timestamp, 'number');
  assert.equal(waiting?.params, '');

  // The quiet period ends: the item leaves the queue, and for leftItemNoExecutableMs it names
  // no build yet (Queue.onStartExecuting makes the LeftItem before the build exists).
  emu.clock.advance(150);
  const starting = await itemJson(emu.url, id);
  assert.equal(starting?._class, 'hudson.model.Queue$LeftItem');
  assert.equal(starting?.executable, null);
  assert.equal(starting?.cancelled, false);
  assert.equal(starting?.why, null);
  emu.clock.advance(149);
  assert.equal((await itemJson(emu.url, id))?.executable, null, 'still no build 1 ms before it exists');

  emu.clock.advance(1);
  const left = await itemJson(emu.url, id);
  assert.deepEqual(left?.executable, {
    _class: 'hudson.model.FreeStyleBuild',
    number: 1,
    url: `${emu.url}/job/nightly/1/`,
  });
  const build = await getJson(`${left!.executable.url}api/json`);
  assert.equal(build.queueId, id);
  assert.equal(build.id, '1');

  // The item left the queue at 150 ms and is forgotten leftItemExpiryMs (800) later.
  emu.clock.advance(949 - 300);
  assert.equal((await itemJson(emu.url, id))?.executable?.number, 1, 'kept until it expires');
  emu.clock.advance(1);
  assert.equal(await itemJson(emu.url, id), undefined, '404 once expired');
  // The build keeps its queueId, the fallback clients use once the item expired.
  const job = await getJson(`${emu.url}/job/nightly/api/json`);
  assert.equal(job.builds[0].queueId, id);
});

test('blocked while a non-concurrent build runs; buildable when executors are busy', async (t) => {
  const emu = await startEmulator(t, {
    ...base,
    executors: 1,
    jobs: [
      { name: 'serial', build: { durationMs: 400 } },
      { name: 'other', build: { durationMs: 50 } },
    ],
    leftItemNoExecutableMs: 0,
  });
  // Held still while the items are read: the first build runs throughout.
  emu.clock.pause();
  await post(`${emu.url}/job/serial/build`);
  emu.clock.advance(0);
  assert.equal(emu.builds('serial')[0]?.building, true, 'first build running');
  const blockedId = queueIdOf(await post(`${emu.url}/job/serial/build`));
  const buildableId = queueIdOf(await post(`${emu.url}/job/other/build`));
  emu.clock.advance(0); // queue maintenance

  const blocked = (await itemJson(emu.url, blockedId))!;
  assert.equal(blocked.blocked, true);
  assert.equal(blocked._class, 'hudson.model.Queue$BlockedItem');
  assert.match(blocked.why, /^Build #1 is already in progress \(ETA: .+\)$/);
  assert.equal(typeof blocked.buildableStartMilliseconds, 'number');

  const buildable = (await itemJson(emu.url, buildableId))!;
  assert.equal(buildable.buildable, true);
  assert.equal(buildable._class, 'hudson.model.Queue$BuildableItem');
  assert.equal(buildable.why, 'Waiting for next available executor');
  assert.equal(buildable.pending, false);

  const queue = await getJson(`${emu.url}/queue/api/json`);
  assert.equal(queue._class, 'hudson.model.Queue');
  assert.deepEqual(queue.items.map((i: { id: number }) => i.id), [blockedId, buildableId]);

  // Everything drains: the first build ends at 400 ms (its executor free 50 ms later), then
  // serial #2 runs (the blocked item came first), then other #1.
  emu.clock.advance(450);
  assert.deepEqual(emu.queueItems().filter((i) => i.state !== 'left'), [{ id: buildableId, job: 'other', state: 'buildable' }]);
  assert.equal(emu.builds('serial').length, 2);
  emu.clock.advance(450);
  assert.equal(emu.builds('other').length, 1);
  assert.deepEqual(emu.queueItems().filter((i) => i.state !== 'left'), []);
});

test('cancelItem: 204, then 500 for the left item, 404 for unknown ids', async (t) => {
  const emu = await startEmulator(t, { ...base, jobs: [{ name: 'plain', quietPeriodMs: 60_000 }] });
  const id = queueIdOf(await post(`${emu.url}/job/plain/build`));
  const cancelled = await post(`${emu.url}/queue/cancelItem?id=${id}`);
  assert.equal(cancelled.status, 204);
  const item = await itemJson(emu.url, id);
  assert.equal(item?._class, 'hudson.model.Queue$LeftItem');
  assert.equal(item?.cancelled, true);
  assert.equal(item?.executable, null);

  const again = await post(`${emu.url}/queue/cancelItem?id=${id}`);
  assert.equal(again.status, 500);
  assert.match(await again.text(), new RegExp(`Could not cancel run for id ${id}`));

  const unknown = await post(`${emu.url}/queue/cancelItem?id=999`);
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /Provided id \(999\) not found/);

  assert.equal((await http(`${emu.url}/queue/cancelItem?id=${id}`)).status, 405);
  const text = await http(`${emu.url}/queue/item/${id}/`);
  assert.equal(text.status, 200);
  assert.match(await text.text(), /^Queue item exists\./);
});
