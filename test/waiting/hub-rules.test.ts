import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { heartbeatEvery, waitHeartbeatTimeoutMs } from '../../src/waiting/hub.js';
import { buildListSelection, selectBuilds } from '../../src/emulator/build-ranges.js';

describe('wait hub rules', () => {
  test('waits of older workflow code (timeouts ≤ 60 s) are heartbeated every 2 s; newer ones at 40 % of their timeout', () => {
    assert.equal(heartbeatEvery(10_000), 2000);
    assert.equal(heartbeatEvery(60_000), 2000);
    assert.equal(heartbeatEvery(undefined), 2000);
    assert.equal(heartbeatEvery(240_000), 96_000);
    // The default: 3600 / 96 = 37.5 heartbeats per waiting trigger-hour, under the budget of 60.
    assert.ok(3600_000 / heartbeatEvery(240_000) <= 60);
  });

  test('REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS: default 240 s, whole seconds from 10 to 600, anything else refused with the range', () => {
    assert.equal(waitHeartbeatTimeoutMs({}), 240_000);
    assert.equal(waitHeartbeatTimeoutMs({ REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS: '10' }), 10_000);
    assert.equal(waitHeartbeatTimeoutMs({ REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS: '600' }), 600_000);
    for (const bad of ['9', '601', '12.5', 'soon', '-1']) {
      assert.throws(() => waitHeartbeatTimeoutMs({ REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS: bad }), /from 10 to 600 s, got/);
    }
  });
});

describe('emulator: build list ranges of a tree query', () => {
  const builds = Array.from({ length: 250 }, (_, i) => 250 - i); // newest first
  const pick = (tree?: string) => selectBuilds(builds, buildListSelection(tree));

  test('builds is the newest 100, allBuilds every build; {M,N} picks [M, N)', () => {
    assert.equal(pick('builds[number]').length, 100);
    assert.deepEqual(pick('builds[number]{0,3}'), [250, 249, 248]);
    assert.deepEqual(pick('builds[number]{100,200}'), []);
    assert.deepEqual(pick('allBuilds[number,actions[parameters[name,value]]]{100,102}'), [150, 149]);
    assert.equal(pick('allBuilds[number]').length, 250);
  });

  test('{N} is entry N alone, {M,} and {,N} are open ranges', () => {
    assert.deepEqual(pick('builds[number]{5}'), [245]);
    assert.deepEqual(pick('allBuilds[number]{248,}'), [2, 1]);
    assert.deepEqual(pick('builds[number]{,2}'), [250, 249]);
  });
});
