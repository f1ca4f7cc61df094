/**
 * A worker's own misconfiguration never kills a trigger at once: a worker that lacks the
 * credential a trigger needs fails its attempt with a retryable WorkerMisconfigured, the
 * trigger's progress says what is missing, and a worker that has the credential carries it on
 * to SUCCESS. Only when the bounded wait runs out does the trigger fail (options.test.ts shows
 * that end).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/options/config.js';
import { createTriggerWorker } from '../../src/worker.js';
import { Harness, sharedBundle } from '../support/harness.js';
import { eventually } from '../support/wait.js';

const PASSWORD = 'mw-password-81Kq';

describe('a worker lacking a credential leaves the trigger waiting for one that has it', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [{ name: 'secured', build: { durationMs: 300 } }],
        security: { anonymousRead: false, anonymousBuild: false, users: [{ name: 'ci-bot', password: PASSWORD }] },
      },
      config: (url) => ({
        remoteHosts: [{ name: 'ci', url, auth: { type: 'CredentialsAuth', credentials: 'ci-bot' } }],
        credentials: { 'ci-bot': { username: 'ci-bot', passwordEnv: 'RT_MW_PASSWORD' } },
      }),
      worker: false,
    });
  });
  after(() => h?.teardown());

  test('the trigger waits (progress names the credential), then a configured worker finishes it', async () => {
    // A worker started from the wrong directory: no hosts, no credentials.
    const stray = await createTriggerWorker({
      connection: h.env.nativeConnection,
      taskQueue: h.taskQueue,
      config: parseConfig({ allowOrigins: [h.emulator.url] }),
      consoleDir: h.consoleDir,
      workflowBundle: await sharedBundle(),
      misconfigured: { graceMs: 10 * 60_000, retryDelayMs: 1000 },
    });
    const strayRun = stray.run();
    const handle = await h.start({ remoteJenkinsUrl: undefined, remoteJenkinsName: 'ci', job: 'secured' });
    const progress = await eventually(async () => {
      const p = await handle.progress();
      return p?.waitingFor ? p : null;
    }, 'the progress to say what the worker lacks');
    assert.equal(progress.activity, 'inspectJob');
    assert.match(progress.waitingFor!, /no remote host 'ci'|ci-bot/);
    assert.equal(await handle.isClosed(), false, 'the trigger is still running');
    assert.equal(h.emulator.requests().length, 0, 'the stray worker sent nothing');

    stray.shutdown();
    await strayRun;
    await h.startWorker({ env: { ...process.env, RT_MW_PASSWORD: PASSWORD } });
    const s = await handle.result();
    assert.equal(s.result, 'SUCCESS');
    assert.equal(h.emulator.builds('secured').length, 1);
  });
});
