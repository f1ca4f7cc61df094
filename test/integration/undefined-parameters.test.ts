/**
 * Jenkins drops a parameter its job does not define without a word, so a typo in a name would
 * go unnoticed. Such a parameter is refused before the POST, naming it and listing the job's
 * parameters, unless allowUndefinedParameters says the caller expects it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemoteTriggerError } from '../../src/handle.js';
import { Harness } from '../support/harness.js';

describe('parameters the remote job does not define', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          { name: 'deploy', parameters: [{ name: 'ENV' }, { name: 'VERSION' }], concurrentBuild: true, build: { durationMs: 200 } },
          { name: 'plain', concurrentBuild: true, build: { durationMs: 200 } },
        ],
      },
    });
  });
  after(() => h?.teardown());

  const posts = (job: string) => h.emulator.requests({ method: 'POST' }).filter((r) => r.path.startsWith(`/job/${job}/`)).length;

  test('a misspelt name is refused before the POST, naming it and the job\'s parameters', async () => {
    const before = posts('deploy');
    let caught: unknown;
    await (await h.start({ job: 'deploy', parameters: { ENV: 'prod', VERSON: '1.2' } })).result().catch((e: unknown) => (caught = e));
    assert.ok(caught instanceof RemoteTriggerError, String(caught));
    assert.equal(caught.type, 'JenkinsRejected');
    assert.match(caught.message, /does not define the parameter\(s\) 'VERSON' \(its parameters: ENV, VERSION\)/);
    assert.match(caught.message, /allowUndefinedParameters/);
    assert.equal(posts('deploy'), before, 'nothing was posted');
  });

  test('with allowUndefinedParameters the trigger goes ahead (and Jenkins drops the name)', async () => {
    const s = await (await h.start({ job: 'deploy', parameters: { ENV: 'prod', EXTRA: 'x' }, allowUndefinedParameters: true })).result();
    assert.equal(s.result, 'SUCCESS');
    assert.deepEqual(h.emulator.builds('deploy').find((b) => b.number === s.buildNumber)!.parameters, { ENV: 'prod', VERSION: '' });
  });

  test('parameters for a job that defines none: refused, or sent nowhere with allowUndefinedParameters', async () => {
    let caught: unknown;
    await (await h.start({ job: 'plain', parameters: { A: '1' } })).result().catch((e: unknown) => (caught = e));
    assert.ok(caught instanceof RemoteTriggerError && caught.type === 'JenkinsRejected', String(caught));
    assert.match(caught.message, /is not parameterized; the parameter\(s\) 'A' would not be sent/);
    const s = await (await h.start({ job: 'plain', parameters: { A: '1' }, allowUndefinedParameters: true })).result();
    assert.equal(s.result, 'SUCCESS');
  });
});
