import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Clock } from '../../src/emulator/clock.js';
import { eventually } from '../support/wait.js';

test('a paused clock stands still; advance runs what falls due, in order, each at its own time', () => {
  const clock = new Clock();
  clock.pause();
  const t0 = clock.now();
  const ran: Array<[string, number]> = [];
  clock.after(30, () => ran.push(['c', clock.now() - t0]));
  clock.after(10, () => {
    ran.push(['a', clock.now() - t0]);
    // Set while advancing, due within the same advance: runs in it, after b.
    clock.after(10, () => ran.push(['a+10', clock.now() - t0]));
  });
  clock.after(20, () => ran.push(['b', clock.now() - t0]));
  const cancelled = clock.after(5, () => ran.push(['cancelled', clock.now() - t0]));
  clock.cancel(cancelled);

  assert.equal(clock.now(), t0);
  clock.advance(9);
  assert.deepEqual(ran, []);
  assert.equal(clock.now() - t0, 9);
  clock.advance(16);
  assert.deepEqual(ran, [['a', 10], ['b', 20], ['a+10', 20]]);
  assert.equal(clock.now() - t0, 25);
  clock.advance(5);
  assert.deepEqual(ran.at(-1), ['c', 30]);
});

test('advance needs a paused clock; resume carries on from where the clock stood', async () => {
  const clock = new Clock();
  assert.throws(() => clock.advance(1), /paused clock/);
  clock.pause();
  clock.advance(60_000);
  const stood = clock.now();
  let fired = false;
  clock.after(0, () => (fired = true));
  assert.equal(fired, false, 'nothing runs while paused');
  clock.resume();
  assert.equal(clock.paused, false);
  assert.ok(clock.now() >= stood, 'time does not go back');
  await eventually(() => fired, 'the timer to run once the clock runs again');
  clock.cancelAll();
});
