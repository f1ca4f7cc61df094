import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { freePort } from '../../src/temporal/embedded-server.js';
import { isolatedEnv, runCli, staleDistSource } from '../support/cli.js';
import { sharedBundlePath } from '../support/harness.js';
import { eventually, sleep } from '../support/wait.js';
import { spawnWorker, startTemporalServer, type Proc } from '../support/processes.js';

/**
 * A stage run survives its Temporal server being killed (SIGKILL) mid-stage and started again on
 * the same SQLite file: `wait` then finishes it with every build made once.
 */
describe('a stage run across a Temporal server crash', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-stages-crash-'));
  let emulator: JenkinsEmulator;
  let server: Proc;
  let worker: Proc;
  let env: NodeJS.ProcessEnv;
  let port: number;
  const dbFile = path.join(dir, 'temporal.sqlite');
  const logFile = path.join(dir, 'server.log');
  let spec: Parameters<typeof spawnWorker>[0];

  before(async () => {
    const stale = staleDistSource();
    if (stale) throw new Error(`dist/ is older than ${stale}: run \`npm run build\` first`);
    emulator = new JenkinsEmulator({
      port: 0,
      scenario: {
        executors: 4,
        jobs: [
          { name: 'build-a', build: { durationMs: 5000 } },
          { name: 'build-b', build: { durationMs: 500 } },
          { name: 'deploy', parameters: [{ name: 'UPSTREAM' }], build: { durationMs: 300 } },
        ],
      },
    });
    await emulator.start();
    port = await freePort();
    server = await startTemporalServer({ port, dbFile, logFile });
    const config = { remoteHosts: [{ name: 'emu', url: emulator.url }] };
    spec = { address: `127.0.0.1:${port}`, taskQueue: 'stages-crash', consoleDir: path.join(dir, 'console'), bundlePath: await sharedBundlePath(dir), config };
    worker = await spawnWorker(spec);
    const configPath = path.join(dir, 'temporal.yaml');
    writeFileSync(configPath, `remoteHosts:\n  - name: emu\n    url: ${emulator.url}\n`);
    env = { ...isolatedEnv(), TEMPORAL_ADDRESS: spec.address, REMOTE_TRIGGER_TASK_QUEUE: spec.taskQueue, REMOTE_TRIGGER_STATE_DIR: dir, REMOTE_TRIGGER_CONFIG: configPath };
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await server?.kill('SIGKILL');
    await emulator?.stop();
  });

  test('server killed while the first stage builds: nothing lost, no build twice', async () => {
    const file = path.join(dir, 'stages.yaml');
    writeFileSync(
      file,
      'remoteJenkinsName: emu\npollInterval: 1\nstages:\n  - name: build\n    triggers:\n      - { id: a, job: build-a }\n      - { id: b, job: build-b }\n' +
        '  - name: deploy\n    triggers:\n      - { id: d, job: deploy, parameters: { UPSTREAM: "${{ build.a.buildNumber }}" } }\n',
    );
    const started = await runCli({ args: ['run', file, '--no-wait', '--json', '--id', 'crash-run'], env, cwd: dir, timeoutMs: 120_000 });
    assert.equal(started.code, 0, started.stderr);
    await eventually(() => emulator.builds('build-a').some((b) => b.building), 'build-a to run', 120_000);
    await server.kill('SIGKILL');
    await sleep(2000); // the server stays down a while
    server = await startTemporalServer({ port, dbFile, logFile });
    // The old worker may or may not reconnect by itself; a fresh one certainly does.
    await worker.kill('SIGKILL');
    worker = await spawnWorker(spec);
    const r = await runCli({ args: ['wait', 'crash-run', '--json'], env, cwd: dir, timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { result: string; stages: Array<{ state: string; triggers: Array<{ buildNumber: number }> }> };
    assert.equal(out.result, 'SUCCESS');
    assert.deepEqual(out.stages.map((s) => s.state), ['passed', 'passed']);
    assert.equal(emulator.builds('build-a').length, 1);
    assert.equal(emulator.builds('build-b').length, 1);
    assert.equal(emulator.builds('deploy').length, 1);
    assert.equal(emulator.builds('deploy')[0]!.parameters.UPSTREAM, String(out.stages[0]!.triggers[0]!.buildNumber));
  });
});
