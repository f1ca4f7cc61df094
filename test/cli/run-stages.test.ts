import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Harness } from '../support/harness.js';
import { type Proc, spawnWorker } from '../support/processes.js';
import { eventually } from '../support/wait.js';
import { CLI_BIN, isolatedEnv, runCli, staleDistSource } from '../support/cli.js';

/**
 * `remote-trigger run stages.yaml` through the CLI against a cluster (TEMPORAL_ADDRESS) whose
 * worker runs in a child process, so that a test can kill it (SIGKILL) in the middle of a stage.
 */
describe('remote-trigger run (stage files)', () => {
  let h: Harness;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const workers: Proc[] = [];

  before(async () => {
    const stale = staleDistSource();
    if (stale) throw new Error(`dist/ is older than ${stale}: run \`npm run build\` first`);
    h = await Harness.start({
      worker: false,
      scenario: {
        executors: 10,
        jobs: [
          { name: 'build-a', parameters: [{ name: 'REV' }], concurrentBuild: true, build: { durationMs: 1000 } },
          { name: 'build-b', parameters: [{ name: 'REV' }], concurrentBuild: true, build: { durationMs: 1000 } },
          { name: 'deploy', parameters: [{ name: 'UPSTREAM' }, { name: 'B_RESULT' }], concurrentBuild: true, build: { durationMs: 300 } },
          { name: 'breaks', build: { durationMs: 300, result: 'FAILURE' } },
          { name: 'long', parameters: [{ name: 'N' }], concurrentBuild: true, build: { durationMs: 300_000 } },
        ],
      },
      config: (url) => ({ remoteHosts: [{ name: 'emu', url }] }),
    });
    workers.push(await spawnWorker(await h.workerSpec()));
    dir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-run-'));
    const configPath = path.join(dir, 'temporal.yaml');
    writeFileSync(configPath, `remoteHosts:\n  - name: emu\n    url: ${h.emulator.url}\n`);
    env = { ...isolatedEnv(), TEMPORAL_ADDRESS: h.env.address, REMOTE_TRIGGER_TASK_QUEUE: h.taskQueue, REMOTE_TRIGGER_STATE_DIR: dir, REMOTE_TRIGGER_CONFIG: configPath };
  });
  after(async () => {
    for (const w of workers) await w.kill('SIGTERM');
    await h?.teardown();
  });

  const stagesFile = (name: string, yaml: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, yaml);
    return p;
  };
  const cli = (args: string[], timeoutMs = 180_000) => runCli({ args, env, cwd: dir, timeoutMs });

  const TRAIN = `
remoteJenkinsName: emu
pollInterval: 1
stages:
  - name: build
    triggers:
      - { id: a, job: build-a, parameters: { REV: "%REV%" } }
      - { id: b, job: build-b, parameters: { REV: "%REV%" } }
  - name: deploy
    triggers:
      - id: prod
        job: deploy
        parameters:
          UPSTREAM: "\${{ build.a.buildNumber }}"
          B_RESULT: "\${{ build.b.result }}"
  - name: rollback
    when: failure()
    triggers:
      - { id: undo, job: deploy, parameters: { UPSTREAM: rollback, B_RESULT: none } }
`;

  test('stages run in order, triggers in parallel, references are filled in; exit 0 and one JSON object', async () => {
    const file = stagesFile('train.yaml', TRAIN.replaceAll('%REV%', 'r1'));
    const r = await cli(['run', file, '--json', '--id', 'train-1']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { workflowId: string; status: string; result: string; error: unknown; stages: Array<{ name: string; state: string; triggers: Array<{ id: string; result: string | null; buildNumber: number | null; workflowId: string }> }> };
    assert.equal(out.workflowId, 'train-1');
    assert.equal(out.status, 'FINISHED');
    assert.equal(out.result, 'SUCCESS');
    assert.equal(out.error, null);
    assert.deepEqual(out.stages.map((s) => s.state), ['passed', 'passed', 'skipped']);
    const a = out.stages[0]!.triggers[0]!;
    const prod = out.stages[1]!.triggers[0]!;
    const deploy = h.emulator.builds('deploy').find((b) => b.number === prod.buildNumber)!;
    assert.equal(deploy.parameters.UPSTREAM, String(a.buildNumber));
    assert.equal(deploy.parameters.B_RESULT, 'SUCCESS');
    assert.equal(h.emulator.builds('deploy').filter((b) => b.parameters.UPSTREAM === 'rollback').length, 0, 'the failure() stage was skipped');
    // Each trigger is a trigger like any other: `status` works on its id.
    const st = await cli(['status', prod.workflowId, '--json']);
    assert.equal(st.code, 0, st.stderr);
    assert.equal((JSON.parse(st.stdout) as { buildNumber: number }).buildNumber, prod.buildNumber);
  });

  test('a worker killed mid-stage: a new worker carries on, nothing is lost, no build twice', async () => {
    h.emulator.setJob({ name: 'build-a', parameters: [{ name: 'REV' }], concurrentBuild: true, build: { durationMs: 6000 } });
    const file = stagesFile('train-crash.yaml', TRAIN.replaceAll('%REV%', 'crash'));
    const pending = cli(['run', file, '--json', '--id', 'train-crash'], 300_000);
    await eventually(() => h.emulator.builds('build-a').some((b) => b.parameters.REV === 'crash' && b.building), 'build-a to run', 120_000);
    await workers.shift()!.kill('SIGKILL');
    workers.push(await spawnWorker(await h.workerSpec()));
    const r = await pending;
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { result: string; stages: Array<{ state: string; triggers: Array<{ buildNumber: number }> }> };
    assert.equal(out.result, 'SUCCESS');
    assert.deepEqual(out.stages.map((s) => s.state), ['passed', 'passed', 'skipped']);
    assert.equal(h.emulator.builds('build-a').filter((b) => b.parameters.REV === 'crash').length, 1);
    assert.equal(h.emulator.builds('build-b').filter((b) => b.parameters.REV === 'crash').length, 1);
    const a = out.stages[0]!.triggers[0]!.buildNumber;
    assert.equal(h.emulator.builds('deploy').filter((b) => b.parameters.UPSTREAM === String(a)).length, 1);
    h.emulator.setJob({ name: 'build-a', parameters: [{ name: 'REV' }], concurrentBuild: true, build: { durationMs: 1000 } });
  });

  test('a killed CLI loses nothing: `wait` picks the run up', async () => {
    h.emulator.setJob({ name: 'build-a', parameters: [{ name: 'REV' }], concurrentBuild: true, build: { durationMs: 4000 } });
    const file = stagesFile('train-cli.yaml', TRAIN.replaceAll('%REV%', 'cli'));
    const child = spawn(process.execPath, [CLI_BIN, 'run', file, '--json', '--id', 'train-cli'], { env, cwd: dir, stdio: 'ignore' });
    await eventually(() => h.emulator.builds('build-a').some((b) => b.parameters.REV === 'cli' && b.building), 'build-a to run', 120_000);
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    const r = await cli(['wait', 'train-cli', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { result: string; stages: Array<{ state: string }> };
    assert.equal(out.result, 'SUCCESS');
    assert.deepEqual(out.stages.map((s) => s.state), ['passed', 'passed', 'skipped']);
    assert.equal(h.emulator.builds('build-a').filter((b) => b.parameters.REV === 'cli').length, 1);
    h.emulator.setJob({ name: 'build-a', parameters: [{ name: 'REV' }], concurrentBuild: true, build: { durationMs: 1000 } });
  });

  test('a failed trigger fails its stage: later stages are skipped, failure() runs; exit 1 with the result', async () => {
    const file = stagesFile('fails.yaml', TRAIN.replaceAll('%REV%', 'f').replace('job: build-b, parameters: { REV: "f" }', 'job: breaks'));
    const r = await cli(['run', file, '--json', '--id', 'train-fails']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { result: string; error: { type: string; result: string; stage: string; trigger: string }; stages: Array<{ state: string }> };
    assert.equal(out.result, 'FAILURE');
    assert.deepEqual(out.error && { type: out.error.type, result: out.error.result, stage: out.error.stage, trigger: out.error.trigger }, { type: 'RemoteBuildFailed', result: 'FAILURE', stage: 'build', trigger: 'b' });
    assert.deepEqual(out.stages.map((s) => s.state), ['failed', 'skipped', 'passed']);
    assert.equal(h.emulator.builds('deploy').filter((b) => b.parameters.UPSTREAM === 'rollback').length, 1);
  });

  test('failFast: a failure cancels the other triggers of its stage (their builds aborted with abortTriggeredJob)', async () => {
    const file = stagesFile('fail-fast.yaml', `
remoteJenkinsName: emu
pollInterval: 1
abortTriggeredJob: true
stages:
  - name: build
    failFast: true
    triggers:
      - { id: slow, job: long, parameters: { N: ff } }
      - { id: bad, job: breaks }
  - name: after
    triggers:
      - { id: never, job: long, parameters: { N: ff-never } }
`);
    const r = await cli(['run', file, '--json', '--id', 'fail-fast']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { error: { trigger: string }; stages: Array<{ state: string; triggers: Array<{ id: string; error: { type: string } | null }> }> };
    assert.equal(out.error.trigger, 'bad');
    assert.deepEqual(out.stages.map((s) => s.state), ['failed', 'skipped']);
    assert.equal(out.stages[0]!.triggers[0]!.error?.type, 'Cancelled');
    await eventually(() => h.emulator.builds('long').find((b) => b.parameters.N === 'ff')?.result === 'ABORTED', 'the slow build to be aborted');
    assert.equal(h.emulator.builds('long').filter((b) => b.parameters.N === 'ff-never').length, 0);
  });

  test('an invalid file: exit 2 naming the field, nothing started', async () => {
    const cases: Array<[string, string]> = [
      [TRAIN.replaceAll('%REV%', 'x').replace('job: deploy\n', 'job: deploy\n        pollInterval: often\n'), 'stages[1].triggers[0].pollInterval'],
      [TRAIN.replaceAll('%REV%', 'x').replace('build.a.buildNumber', 'build.c.buildNumber'), 'stages[1].triggers[0].parameters.UPSTREAM'],
      [TRAIN.replaceAll('%REV%', 'x').replace('build.b.result', 'deploy.prod.result'), 'stages[1].triggers[0].parameters.B_RESULT'],
      [TRAIN.replaceAll('%REV%', 'x').replace('when: failure()', "when: build.a.result = 'SUCCESS'"), 'stages[2].when'],
      [TRAIN.replaceAll('%REV%', 'x').replace('{ id: b, job: build-b', '{ id: a, job: build-b'), 'stages[0].triggers[1].id'],
      [TRAIN.replaceAll('%REV%', 'x').replace('pollInterval: 1', 'pollInterval: 1\nparameterFile: params.txt'), 'parameterFile'],
      [TRAIN.replaceAll('%REV%', 'x').replace('remoteJenkinsName: emu', 'remoteJenkinsName: emu\nbogus: 1'), 'bogus'],
    ];
    const requests = h.emulator.requests().length;
    for (const [yaml, field] of cases) {
      const r = await cli(['run', stagesFile('bad.yaml', yaml), '--json', '--id', 'bad-run']);
      assert.equal(r.code, 2, `${field}: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { error: { type: string; field: string } };
      assert.equal(out.error.type, 'InvalidOptions');
      assert.equal(out.error.field, field);
    }
    assert.equal(h.emulator.requests().length, requests, 'nothing reached Jenkins');
    const status = await cli(['status', 'bad-run', '--json']);
    assert.equal(status.code, 4, 'no run was started');
  });

  test('status, abort and wait work on a stage run', async () => {
    const file = stagesFile('long.yaml', `
remoteJenkinsName: emu
pollInterval: 1
stages:
  - name: one
    triggers:
      - { id: l1, job: long, parameters: { N: s1 } }
      - { id: l2, job: long, parameters: { N: s2 } }
  - name: two
    triggers:
      - { id: l3, job: long, parameters: { N: s3 } }
`);
    const started = await cli(['run', file, '--json', '--no-wait', '--id', 'long-run']);
    assert.equal(started.code, 0, started.stderr);
    assert.equal((JSON.parse(started.stdout) as { status: string }).status, 'RUNNING');
    await eventually(() => ['s1', 's2'].every((n) => h.emulator.builds('long').some((b) => b.parameters.N === n && b.building)), 'both builds to run', 120_000);
    const status = await cli(['status', 'long-run', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const st = JSON.parse(status.stdout) as { status: string; stages: Array<{ state: string }> };
    assert.equal(st.status, 'RUNNING');
    assert.deepEqual(st.stages.map((s) => s.state), ['running', 'pending']);
    const aborted = await cli(['abort', 'long-run', '--json', '--reason', 'test']);
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal((JSON.parse(aborted.stdout) as { aborted: boolean }).aborted, true);
    for (const n of ['s1', 's2']) assert.equal(h.emulator.builds('long').find((b) => b.parameters.N === n)?.result, 'ABORTED');
    assert.equal(h.emulator.builds('long').filter((b) => b.parameters.N === 's3').length, 0, 'the next stage never started');
    const waited = await cli(['wait', 'long-run', '--json']);
    assert.equal(waited.code, 1, waited.stderr);
    const w = JSON.parse(waited.stdout) as { result: string; error: { type: string } };
    assert.equal(w.result, 'ABORTED');
    assert.equal(w.error.type, 'RemoteBuildFailed');
  });
});
