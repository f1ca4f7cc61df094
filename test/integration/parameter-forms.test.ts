import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

/**
 * Every form the step accepts for `parameters` (docs/plugin-compat.md §5.1), and queuePollInterval,
 * against the emulator: what reaches the remote build is what was written.
 */
describe('parameter forms and queue polling', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          { name: 'p', parameters: [{ name: 'A' }, { name: 'B' }, { name: 'RUN' }], concurrentBuild: true, build: { durationMs: 200 } },
          { name: 'held', parameters: [{ name: 'RUN' }], build: { durationMs: 300 } },
          { name: 'held2', parameters: [{ name: 'RUN' }], build: { durationMs: 300 } },
        ],
        scripts: { hold: { durationMs: 6000 } },
      },
    });
    await writeFile(path.join(h.tmp, 'params.properties'), '# from a file\nA=file-a\nB=x=y\n');
    await writeFile(path.join(h.tmp, 'odd=name.properties'), 'A=odd\n');
  });
  after(() => h?.teardown());

  const sent = async (options: Record<string, unknown>) => {
    const s = await (await h.start({ job: 'p', ...options })).result();
    const p = h.emulator.builds('p').find((b) => b.number === s.buildNumber)!.parameters;
    return { A: p.A, B: p.B, RUN: p.RUN };
  };

  test('map form, with numbers and booleans stringified', async () => {
    assert.deepEqual(await sent({ parameters: { A: 1, B: true, RUN: 'map' } }), { A: '1', B: 'true', RUN: 'map' });
  });

  test("MapParameters form (the snippet generator's)", async () => {
    assert.deepEqual(await sent({ parameters: { parameters: [{ name: 'A', value: 'm' }, { name: 'RUN', value: 'mapparams' }] } }), { A: 'm', B: '', RUN: 'mapparams' });
  });

  test('K=V text form with a multi-line value only in the map form', async () => {
    assert.deepEqual(await sent({ parameters: 'A=t\r\n  B = padded value  \nRUN=text' }), { A: 't', B: ' padded value  ', RUN: 'text' });
    assert.deepEqual(await sent({ parameters: { A: 'line 1\nline 2', RUN: 'multiline' } }), { A: 'line 1\nline 2', B: '', RUN: 'multiline' });
  });

  test('a string without = or newline is a parameter file path (as in the plugin); FileParameters and parameterFile too', async () => {
    assert.deepEqual(await sent({ parameters: 'params.properties' }), { A: 'file-a', B: 'x=y', RUN: '' });
    assert.deepEqual(await sent({ parameters: { filePath: 'params.properties' } }), { A: 'file-a', B: 'x=y', RUN: '' });
    assert.deepEqual(await sent({ parameterFile: 'params.properties' }), { A: 'file-a', B: 'x=y', RUN: '' });
  });

  test('loadParamsFromFile: a string with = is still a file path', async () => {
    assert.deepEqual(await sent({ parameters: 'odd=name.properties', loadParamsFromFile: true }), { A: 'odd', B: '', RUN: '' });
  });

  test('queuePollInterval: an item polled every second is asked more often than one polled every 5 s', async () => {
    // One job each: a trigger alone on its job reads its own queue item (several on one job
    // share one read of the queue, docs/design.md §16).
    for (const job of ['held', 'held2']) {
      await h.emulatorPost(`/job/${job}/buildWithParameters?delay=0`, 'RUN=holder&EMULATOR_SCRIPT=hold');
      await eventually(() => h.emulator.builds(job).some((b) => b.building), `the holder build of ${job} to run`);
    }
    const fast = await h.start({ job: 'held', parameters: { RUN: 'fast' }, queuePollInterval: 1 });
    const slow = await h.start({ job: 'held2', parameters: { RUN: 'slow' }, queuePollInterval: 5 });
    const [f, s] = await Promise.all([fast.result(), slow.result()]);
    const polls = (queueId: number | null) => h.emulator.requests({ pathPrefix: `/queue/item/${queueId}/` }).length;
    assert.ok(polls(f.queueId) > polls(s.queueId), `queue polls: every 1 s → ${polls(f.queueId)}, every 5 s → ${polls(s.queueId)}`);
  });
});
