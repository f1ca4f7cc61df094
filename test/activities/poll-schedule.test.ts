import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FastStart, buildPollDelay, queuePollDelay } from '../../src/activities/poll-schedule.js';

describe('poll schedule: fast start, no more requests for long builds', () => {
  test('the fast start doubles from 0.5 s up to the interval', () => {
    const fast = new FastStart(10_000);
    assert.deepEqual(Array.from({ length: 8 }, () => fast.delay()), [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    const short = new FastStart(1000);
    assert.deepEqual(Array.from({ length: 3 }, () => short.delay()), [500, 1000, 1000]);
  });

  test('a waiting queue item is polled when its quiet period ends, never later than the interval', () => {
    assert.equal(queuePollDelay(new FastStart(10_000), 10_000, 4_700), 5_000);
    assert.equal(queuePollDelay(new FastStart(10_000), 10_000, 60_000), 10_000);
    // no due time (buildable, blocked) or almost due: the fast start
    assert.equal(queuePollDelay(new FastStart(10_000), 10_000, null), 500);
    assert.equal(queuePollDelay(new FastStart(10_000), 10_000, 200), 500);
  });

  test('with an estimate, a build is polled every interval and once at its expected end; the fast start only once it is overdue', () => {
    const fast = new FastStart(10_000);
    // A 60 s build first seen 0.1 s after it started: the polls of the interval, then one at the end.
    let t = 100;
    const polls = [t];
    for (;;) {
      const remaining = 60_000 - t;
      if (remaining < -5_000) break;
      t += buildPollDelay(fast, 10_000, remaining);
      polls.push(t);
      if (t > 60_000) break;
    }
    assert.deepEqual(polls, [100, 10_100, 20_100, 30_100, 40_100, 50_100, 60_300]);
    // overdue: 0.5, 1, 2 … s
    assert.deepEqual([buildPollDelay(fast, 10_000, -1), buildPollDelay(fast, 10_000, -600), buildPollDelay(fast, 10_000, -1600)], [500, 1000, 2000]);
  });

  test('without an estimate (a job\'s first build) the build polls start fast too', () => {
    const fast = new FastStart(10_000);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => buildPollDelay(fast, 10_000, null)), [500, 1000, 2000, 4000, 8000, 10_000]);
  });
});
