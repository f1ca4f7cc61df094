import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { CLI_BIN, isolatedEnv, runCli } from '../support/cli.js';
import { eventually } from '../support/wait.js';
import { startDevServer } from '../support/temporal.js';

/**
 * Scale-out mode: with TEMPORAL_ADDRESS the CLI starts no dev server and no worker of its own;
 * `remote-trigger worker` processes do the work.
 */
describe('remote-trigger against a configured cluster (TEMPORAL_ADDRESS) with separate workers', () => {
  let server: TestWorkflowEnvironment;
  let emulator: JenkinsEmulator;
  const workers: ChildProcess[] = [];
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-ext-'));
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startDevServer();
    emulator = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'job', parameters: [{ name: 'N' }], concurrentBuild: true, build: { durationMs: 1500, consoleLines: 3 } }] } });
    await emulator.start();
    // `remote-trigger worker` is a shared worker: it reaches only the hosts its configuration names.
    const configPath = path.join(stateDir, 'temporal.yaml');
    writeFileSync(configPath, `remoteHosts:\n  - name: emulator\n    url: ${emulator.url}\n`);
    env = { ...isolatedEnv(), TEMPORAL_ADDRESS: server.address, REMOTE_TRIGGER_TASK_QUEUE: 'ext-test', REMOTE_TRIGGER_STATE_DIR: stateDir, REMOTE_TRIGGER_CONFIG: configPath };
  });
  after(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await emulator?.stop();
    await server?.teardown();
  });

  test('without a worker the trigger waits; two `remote-trigger worker` processes then run it', async () => {
    const pending = runCli({ args: ['trigger', '--job', 'job', '--remote-jenkins-url', emulator.url, '--param', 'N=1', '--poll-interval', '1', '--json', '--id', 'ext-1'], env, cwd: stateDir, timeoutMs: 120_000 });
    // The trigger is started on the cluster …
    await eventually(() => server.client.workflow.getHandle('ext-1').describe(), 'the trigger to be started');
    // … and its state needs a worker to answer the query: status says so (exit 3) instead of
    // hanging. That no worker answered within the query's deadline shows that none polls the
    // task queue: the CLI runs none in this mode.
    const noWorker = await runCli({ args: ['status', 'ext-1'], env, cwd: stateDir, timeoutMs: 60_000 });
    assert.equal(noWorker.code, 3, noWorker.stderr);
    assert.match(noWorker.stderr, /no worker answered on task queue 'ext-test'/);
    // So nothing ran: no workflow task was picked up, nothing reached Jenkins.
    const history = await server.client.workflow.getHandle('ext-1').fetchHistory();
    assert.deepEqual(history.events?.filter((e) => e.workflowTaskStartedEventAttributes), [], 'no workflow task started');
    assert.equal(emulator.requests().length, 0);
    for (let i = 0; i < 2; i++) {
      const w = spawn(process.execPath, [CLI_BIN, 'worker'], { env, cwd: stateDir, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      w.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      workers.push(w);
      await eventually(() => err.includes(`task queue 'ext-test'`), 'the worker to start', 60_000);
      assert.match(err, /\(external\)/);
    }
    const r = await pending;
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { status: string; result: string };
    assert.equal(out.status, 'FINISHED');
    assert.equal(out.result, 'SUCCESS');
    // No embedded dev server was started for this state directory.
    assert.equal((await import('node:fs')).existsSync(path.join(stateDir, 'server.json')), false);
  });

  test('status works through the cluster too', async () => {
    const started = await runCli({ args: ['trigger', '--job', 'job', '--remote-jenkins-url', emulator.url, '--param', 'N=2', '--no-block-build-until-complete', '--json', '--id', 'ext-2'], env, cwd: stateDir });
    assert.equal(started.code, 0, started.stderr);
    const status = await runCli({ args: ['status', 'ext-2', '--json'], env, cwd: stateDir });
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { workflowId: string }).workflowId, 'ext-2');
  });
});
