import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import type { RemoteJobHandle } from '../../src/handle.js';

// Many triggers waiting on one small worker (docs/design.md §16): waits hold no activity slot,
// so waiting triggers never delay the POST of a new one, and the builds of one job are polled
// together through pages of the job's builds instead of one request per build.
const N = 300;
const SLOTS = 4;

describe('300 triggers waiting on a worker with 4 activity slots', () => {
  let h: Harness;
  const handles: RemoteJobHandle[] = [];

  before(async () => {
    h = await Harness.start({
      scenario: {
        executors: N + 10,
        // Builds that run until the test stops them.
        jobs: [{ name: 'long', parameters: [{ name: 'I' }], concurrentBuild: true, build: { durationMs: 30 * 60_000 } }],
      },
      worker: false,
    });
    await h.startWorker({ workerOptions: { maxConcurrentActivityTaskExecutions: SLOTS } });
  });
  after(() => h?.teardown());

  test('all are POSTed and run at once; their builds are polled by page, never one by one', async () => {
    for (let i = 0; i < N; i++) handles.push(await h.start({ job: 'long', parameters: { I: String(i) } }, `many-${i}`));
    // With one slot per wait (the design before the hub) at most 4 builds could ever run here.
    await eventually(() => h.emulator.builds('long').filter((b) => b.building).length === N, `all ${N} builds to run`, 300_000);
    // One query at a time: 300 at once would only measure how fast a small worker answers queries.
    for (const t of handles) await eventually(async () => (await t.state()).status === 'RUNNING', `${t.workflowId} to be RUNNING`, 120_000, 500);

    // Two more polls of every build, then look at what was asked.
    h.emulator.clearRequests();
    const pages = () => h.emulator.requests({ pathPrefix: '/job/long/api/json' }).filter((r) => /uilds\[/.test(r.query.tree ?? ''));
    await eventually(() => pages().length >= 6, 'two rounds of page polls', 60_000);
    const reqs = h.emulator.requests();
    const ownBuildPolls = reqs.filter((r) => /^\/job\/long\/\d+\/api\/json/.test(r.path));
    assert.equal(ownBuildPolls.length, 0, `builds polled by their own URL: ${ownBuildPolls.slice(0, 3).map((r) => r.path).join(', ')}`);
    // 300 builds are 3 pages of 100: the first page and the older ones on their own ranges.
    const ranges = new Set(pages().map((r) => /\{(\d+),(\d+)\}/.exec(r.query.tree!)?.[0]));
    assert.deepEqual([...ranges].sort(), ['{0,100}', '{100,200}', '{200,300}']);
  });

  test('stopping the builds ends every trigger with ABORTED, each with exactly one build', async () => {
    for (const b of h.emulator.builds('long')) await h.emulatorPost(`/job/long/${b.number}/stop`, '');
    const states = await Promise.all(handles.map((t) => t.result({ throwOnFailure: false })));
    const results = states.map((s) => s.result);
    assert.deepEqual([...new Set(results)], ['ABORTED']);
    const perTrigger = new Map<string, number>();
    for (const b of h.emulator.builds('long')) perTrigger.set(b.parameters.I!, (perTrigger.get(b.parameters.I!) ?? 0) + 1);
    assert.equal(perTrigger.size, N);
    assert.deepEqual([...new Set(perTrigger.values())], [1]);
  });
});
