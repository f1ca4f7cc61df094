import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JenkinsEmulator, demoScenario } from '../../src/emulator/index.js';
import { CLI_BIN, isolatedEnv, killEmbeddedServer, runCli } from '../support/cli.js';
import { eventually } from '../support/wait.js';
import { requireTemporalCli } from '../support/temporal.js';
import { isListening } from '../../src/temporal/embedded-server.js';

/**
 * The `remote-trigger` contract on the embedded defaults: a real dev server started by the CLI
 * in its state directory, the local service's worker, and the emulator over HTTP.
 */
describe('remote-trigger CLI (embedded mode)', () => {
  let emulator: JenkinsEmulator;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-cli-'));
  const env = { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: stateDir, PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}` };
  const cli = (args: string[], timeoutMs = 120_000) => runCli({ args, env, cwd: stateDir, timeoutMs });
  const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

  before(async () => {
    emulator = new JenkinsEmulator({
      port: 0,
      scenario: {
        ...demoScenario,
        jobs: [
          ...demoScenario.jobs.map((j) => (j.name === 'demo' ? { ...j, build: { ...j.build, durationMs: 2500 } } : j)),
          { name: 'long', parameters: [{ name: 'RUN' }], concurrentBuild: true, build: { durationMs: 20_000, consoleLines: 20 } },
        ],
      },
    });
    await emulator.start();
  });
  after(async () => {
    killEmbeddedServer(stateDir);
    await emulator?.stop();
  });

  const url = () => emulator.url;

  test('trigger blocks, streams the console to stderr and prints one JSON object (exit 0)', async () => {
    const r = await cli(['trigger', '--job', 'demo', '--remote-jenkins-url', url(), '--param', 'BRANCH=dev', '--poll-interval', '1', '--enhanced-logging', '--json', '--id', 'cli-ok']);
    assert.equal(r.code, 0, r.stderr);
    const out = json(r.stdout);
    assert.deepEqual(Object.keys(out).sort(), ['buildNumber', 'buildUrl', 'error', 'jobUrl', 'queueId', 'result', 'status', 'workflowId']);
    assert.equal(out.workflowId, 'cli-ok');
    assert.equal(out.status, 'FINISHED');
    assert.equal(out.result, 'SUCCESS');
    assert.equal(out.jobUrl, `${url()}/job/demo`);
    assert.match(r.stderr, /Remote build started!/);
    assert.match(r.stderr, /Tests: 42 passed/); // a console line of the remote build
    assert.match(r.stderr, /Finished: SUCCESS/);
    assert.equal(r.stdout.trim().split('\n').length, 1, 'stdout holds only the JSON object');
  });

  test('the same --id attaches to the existing trigger instead of starting a second build', async () => {
    const before = emulator.builds('demo').length;
    const r = await cli(['trigger', '--job', 'demo', '--remote-jenkins-url', url(), '--param', 'BRANCH=dev', '--json', '--id', 'cli-ok']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json(r.stdout).buildNumber, 1);
    assert.equal(emulator.builds('demo').length, before);
    assert.match(r.stderr, /Attached to existing trigger cli-ok/);
  });

  test('a failed remote build exits 1; with --should-not-fail-build it exits 0', async () => {
    const failed = await cli(['trigger', '--job', 'flaky', '--remote-jenkins-url', url(), '--poll-interval', '1', '--json']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal(json(failed.stdout).result, 'FAILURE');
    const tolerated = await cli(['trigger', '--job', 'flaky', '--remote-jenkins-url', url(), '--poll-interval', '1', '--should-not-fail-build', '--json']);
    assert.equal(tolerated.code, 0, tolerated.stderr);
    assert.equal(json(tolerated.stdout).result, 'FAILURE');
  });

  test('an unreachable Jenkins exits 3', async () => {
    const r = await cli(['trigger', '--job', 'demo', '--remote-jenkins-url', 'http://127.0.0.1:59999', '--json', '--http-get-read-timeout', '2000']);
    assert.equal(r.code, 3, r.stderr);
  });

  test('not blocking exits 0 once Jenkins accepted; status, wait and --export-env follow it', async () => {
    const r = await cli(['trigger', '--job', 'demo', '--remote-jenkins-url', url(), '--poll-interval', '1', '--no-block-build-until-complete', '--json', '--id', 'cli-nb']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(['QUEUED', 'RUNNING'].includes(String(json(r.stdout).status)), r.stdout);
    const status = await cli(['status', 'cli-nb', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(json(status.stdout).workflowId, 'cli-nb');
    const envFile = path.join(stateDir, 'triggered.env');
    const waited = await cli(['wait', 'cli-nb', '--json', '--export-env', envFile]);
    assert.equal(waited.code, 0, waited.stderr);
    const final = json(waited.stdout);
    assert.equal(final.status, 'FINISHED');
    assert.equal(final.result, 'SUCCESS');
    const vars = readFileSync(envFile, 'utf8');
    assert.match(vars, new RegExp(`^TRIGGERED_BUILD_NUMBER_demo='${final.buildNumber}'$`, 'm'));
    assert.match(vars, /^TRIGGERED_BUILD_RESULT_demo='SUCCESS'$/m);
  });

  test('artifact prints an archived file through the worker; a missing one exits non-zero', async () => {
    const r = await cli(['artifact', 'cli-ok', 'build-results.json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { tests: number }).tests, 42);
    const missing = await cli(['artifact', 'cli-ok', 'nope.json']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /nope\.json/);
  });

  test('abort ID stops a build that another invocation is waiting for; that one exits 1 with ABORTED', async () => {
    const waiting = cli(['trigger', '--job', 'long', '--remote-jenkins-url', url(), '--param', 'RUN=abort', '--poll-interval', '1', '--json', '--id', 'cli-abort']);
    await eventually(() => emulator.builds('long').some((b) => b.parameters.RUN === 'abort' && b.building), 'the long build to run', 60_000, 200);
    // The same id while it runs attaches too (and says so), without a second build.
    const again = await cli(['trigger', '--job', 'long', '--remote-jenkins-url', url(), '--param', 'RUN=abort', '--no-block-build-until-complete', '--id', 'cli-abort']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Attached to existing trigger cli-abort/);
    assert.equal(emulator.builds('long').filter((b) => b.parameters.RUN === 'abort').length, 1);
    const aborted = await cli(['abort', 'cli-abort', '--json']);
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal(json(aborted.stdout).result, 'ABORTED');
    const r = await waiting;
    assert.equal(r.code, 1, r.stderr);
    assert.equal(json(r.stdout).result, 'ABORTED');
  });

  test('kill -9 during trigger, then `wait ID` finishes it with one remote build', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'trigger', '--job', 'long', '--remote-jenkins-url', url(), '--param', 'RUN=kill9', '--poll-interval', '1', '--id', 'cli-kill9'], {
      env: { ...env },
      cwd: stateDir,
      stdio: 'ignore',
    });
    await eventually(() => emulator.builds('long').some((b) => b.parameters.RUN === 'kill9' && b.building), 'the build to run', 60_000, 200);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const waited = await cli(['wait', 'cli-kill9', '--json'], 180_000);
    assert.equal(waited.code, 0, waited.stderr);
    // The local service kept following it: no talk of a missing worker.
    assert.doesNotMatch(waited.stderr, /no worker answered|remote-trigger worker/);
    assert.equal(json(waited.stdout).result, 'SUCCESS');
    assert.equal(emulator.builds('long').filter((b) => b.parameters.RUN === 'kill9').length, 1);
  });

  test('list finds the triggers above by job, status and result; setup finds the attributes registered; logs reads a console', async () => {
    type Row = { id: string; job: string; status: string; result: string };
    const rows = async (args: string[]) => {
      const r = await cli(['list', ...args, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return lastRows(r.stdout) as Row[];
    };
    const lastRows = (stdout: string) => json(stdout).triggers;
    // The embedded dev server registered the search attributes: nothing to add.
    const setup = await cli(['setup', '--json']);
    assert.equal(setup.code, 0, setup.stderr);
    assert.deepEqual(json(setup.stdout).added, []);
    assert.equal((json(setup.stdout).present as string[]).length, 6);
    const demo = await eventually(async () => {
      const r = await rows(['--job', 'demo']);
      return r.length === 2 && r.every((x) => x.status === 'FINISHED') ? r : null;
    }, 'the demo triggers listed');
    assert.deepEqual(demo.map((x) => x.id), ['cli-nb', 'cli-ok']);
    const longFinished = await eventually(async () => {
      const r = await rows(['--job', 'long', '--status', 'FINISHED']);
      return r.length === 2 ? r : null;
    }, 'the long triggers listed');
    assert.deepEqual(longFinished.map((x) => x.id), ['cli-kill9', 'cli-abort']);
    assert.deepEqual((await rows(['--result', 'ABORTED'])).map((x) => x.id), ['cli-abort']);
    assert.equal((await rows(['--job', 'flaky', '--result', 'FAILURE'])).length, 2);
    assert.equal((await rows(['--status', 'RUNNING'])).length, 0);

    const logs = await cli(['logs', 'cli-ok']);
    assert.equal(logs.code, 0, logs.stderr);
    const expected = await (await fetch(`${url()}/job/demo/1/consoleText`)).text();
    assert.equal(logs.stdout, expected);
  });

  test('emulator: `remote-trigger emulator --port 0 --scenario FILE` serves the scenario over HTTP', async () => {
    const scenarioFile = path.join(stateDir, 'scenario.yaml');
    writeFileSync(scenarioFile, 'jobs:\n  - name: from-file\n    build: { durationMs: 100 }\n');
    const child = spawn(process.execPath, [CLI_BIN, 'emulator', '--port', '0', '--scenario', scenarioFile], { env, cwd: stateDir, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const listening = await eventually(() => /listening on (http:\/\/\S+)/.exec(err)?.[1], 'the emulator to listen', 30_000);
      const job = (await (await fetch(`${listening}/job/from-file/api/json`)).json()) as { name: string };
      assert.equal(job.name, 'from-file');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('stop-server stops the embedded dev server of the state directory', async () => {
    const { port } = JSON.parse(readFileSync(path.join(stateDir, 'server.json'), 'utf8')) as { port: number };
    assert.equal(await isListening(port), true);
    const r = await cli(['stop-server']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Stopped the local service/);
    await eventually(async () => !(await isListening(port)), 'the dev server to stop');
  });
});
