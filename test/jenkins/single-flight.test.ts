// SingleFlight on its own, with a fake clock: what is shared, for how long, and what is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SingleFlight } from '../../src/jenkins/single-flight.js';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** A request whose answer the test releases: counts how often it was sent. */
function gate<V>() {
  let sent = 0;
  const pending: Array<{ resolve: (v: V) => void; reject: (e: unknown) => void }> = [];
  return {
    get sent() {
      return sent;
    },
    send: () => {
      sent++;
      return new Promise<V>((resolve, reject) => pending.push({ resolve, reject }));
    },
    answer: (v: V) => pending.shift()!.resolve(v),
    fail: (e: unknown) => pending.shift()!.reject(e),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SingleFlight', () => {
  it('concurrent calls for one key share one request and its result', async () => {
    const clock = fakeClock();
    const flights = new SingleFlight<{ n: number }>(1000, clock.now);
    const g = gate<{ n: number }>();
    const calls = Array.from({ length: 20 }, () => flights.run('k', g.send));
    assert.equal(g.sent, 1);
    g.answer({ n: 1 });
    const results = await Promise.all(calls);
    assert.ok(results.every((r) => r === results[0]));
  });

  it('other keys send their own', async () => {
    const flights = new SingleFlight<string>(1000, fakeClock().now);
    let sent = 0;
    const send = async () => `answer ${++sent}`;
    assert.deepEqual(await Promise.all([flights.run('a', send), flights.run('b', send), flights.run('a', send)]), ['answer 1', 'answer 2', 'answer 1']);
    assert.equal(sent, 2);
  });

  it('a result is reused within the window from its request, never after', async () => {
    const clock = fakeClock();
    const flights = new SingleFlight<number>(1000, clock.now);
    let sent = 0;
    const send = async () => ++sent;
    assert.equal(await flights.run('k', send), 1);
    clock.advance(999);
    assert.equal(await flights.run('k', send), 1);
    clock.advance(1); // 1000 ms after the request started
    assert.equal(await flights.run('k', send), 2);
    clock.advance(1500);
    assert.equal(await flights.run('k', send), 3);
    assert.equal(sent, 3);
  });

  it('a request still under way past the window is not joined', async () => {
    const clock = fakeClock();
    const flights = new SingleFlight<number>(1000, clock.now);
    const g = gate<number>();
    const first = flights.run('k', g.send);
    clock.advance(1500);
    const second = flights.run('k', g.send);
    assert.equal(g.sent, 2);
    g.answer(1);
    g.answer(2);
    assert.deepEqual(await Promise.all([first, second]), [1, 2]);
  });

  it('a failure reaches the calls waiting for it, and the next call sends again', async () => {
    const flights = new SingleFlight<number>(1000, fakeClock().now);
    const g = gate<number>();
    const calls = [flights.run('k', g.send), flights.run('k', g.send)];
    g.fail(new Error('503'));
    for (const c of calls) await assert.rejects(c, /503/);
    const again = flights.run('k', g.send);
    assert.equal(g.sent, 2);
    g.answer(7);
    assert.equal(await again, 7);
  });

  it("a caller's abort ends its own wait only", async () => {
    const flights = new SingleFlight<number>(1000, fakeClock().now);
    const g = gate<number>();
    const leader = flights.run('k', g.send);
    const mine = new AbortController();
    const joiner = flights.run('k', g.send, mine.signal);
    const other = flights.run('k', g.send);
    mine.abort(new Error('cancelled'));
    await assert.rejects(joiner, /cancelled/);
    g.answer(5);
    assert.deepEqual(await Promise.all([leader, other]), [5, 5]);
    assert.equal(g.sent, 1);
  });

  it("when the leader's request is aborted, the others send their own (one for all of them)", async () => {
    const flights = new SingleFlight<number>(1000, fakeClock().now);
    const g = gate<number>();
    const leaderSignal = new AbortController();
    const leader = flights.run('k', g.send, leaderSignal.signal);
    const joiners = [flights.run('k', g.send, new AbortController().signal), flights.run('k', g.send)];
    leaderSignal.abort(new Error('leader cancelled'));
    g.fail(leaderSignal.signal.reason); // what the transport does with an aborted signal
    await assert.rejects(leader, /leader cancelled/);
    await tick();
    assert.equal(g.sent, 2);
    g.answer(9);
    assert.deepEqual(await Promise.all(joiners), [9, 9]);
  });

  it('forget drops a refused result so the next call asks again; another value is kept', async () => {
    const flights = new SingleFlight<{ crumb: string }>(1000, fakeClock().now);
    let sent = 0;
    const send = async () => ({ crumb: `c${++sent}` });
    const first = await flights.run('k', send);
    flights.forget('k', { crumb: 'c1' }); // equal but not the same result: kept
    assert.equal(await flights.run('k', send), first);
    flights.forget('k', first);
    assert.deepEqual(await flights.run('k', send), { crumb: 'c2' });
  });
});
