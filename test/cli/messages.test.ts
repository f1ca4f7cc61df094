/**
 * What the CLI says, for people and scripts: --param merged into other parameter sources,
 * exactly one JSON object on stdout with --json (errors included), exit 4 for an unknown id,
 * and `abort` on a trigger that has ended saying there was nothing to abort.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { isolatedEnv, killEmbeddedServer, runCli } from '../support/cli.js';
import { requireTemporalCli } from '../support/temporal.js';

describe('remote-trigger messages and exit codes', () => {
  let emulator: JenkinsEmulator;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-messages-'));
  const env = { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: stateDir, PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}` };
  const cli = (args: string[], timeoutMs = 120_000) => runCli({ args, env, cwd: stateDir, timeoutMs });
  /** stdout must be exactly one JSON object. */
  const onlyJson = (stdout: string) => {
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1, `one line on stdout, got: ${stdout}`);
    return JSON.parse(lines[0]!) as Record<string, unknown> & { error: { type: string; message: string; field?: string } | null };
  };

  before(async () => {
    emulator = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'quick', parameters: [{ name: 'A' }, { name: 'B' }, { name: 'C' }, { name: 'NEW' }], build: { durationMs: 200 } }] } });
    await emulator.start();
    writeFileSync(path.join(stateDir, 'defaults.properties'), 'A=1\nB=2\nC=3\n');
    writeFileSync(path.join(stateDir, 'opts.yaml'), 'job: quick\nparameters: { A: "1", B: "2" }\n');
  });
  after(async () => {
    killEmbeddedServer(stateDir);
    await emulator?.stop();
  });

  test('--param overrides a parameter file in place and appends new names', async () => {
    const r = await cli(['trigger', '--job', 'quick', '--remote-jenkins-url', emulator.url, '--parameter-file', 'defaults.properties', '--param', 'B=two', '--param', 'NEW=x', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).parameters, [['A', '1'], ['B', 'two'], ['C', '3'], ['NEW', 'x']]);
  });

  test('--param merges into the parameters of an --options file, and into --parameters text', async () => {
    const a = await cli(['trigger', '--options', 'opts.yaml', '--remote-jenkins-url', emulator.url, '--param', 'B=3', '--dry-run']);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(JSON.parse(a.stdout).parameters, [['A', '1'], ['B', '3']]);
    const b = await cli(['trigger', '--job', 'quick', '--remote-jenkins-url', emulator.url, '--parameters', 'C=1\nA=2', '--param', 'A=9', '--dry-run']);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(JSON.parse(b.stdout).parameters, [['C', '1'], ['A', '9']]);
    assert.equal(emulator.requests().length, 0);
  });

  test('--json with invalid options: one JSON object naming the field, exit 2, nothing started', async () => {
    const r = await cli(['trigger', '--job', 'quick', '--remote-jenkins-url', 'https://bob:s3cr3tpw@ci.example.com', '--json']);
    assert.equal(r.code, 2, r.stderr);
    const out = onlyJson(r.stdout);
    assert.equal(out.error!.type, 'InvalidOptions');
    assert.equal(out.error!.field, 'remoteJenkinsUrl');
    assert.equal(out.workflowId, null);
    assert.ok(!r.stdout.includes('s3cr3tpw') && !r.stderr.includes('s3cr3tpw'));
  });

  test('status and abort of an unknown id: exit 4 and, with --json, a NotFound error object', async () => {
    const status = await cli(['status', 'no-such-trigger', '--json']);
    assert.equal(status.code, 4, status.stderr);
    assert.equal(onlyJson(status.stdout).error!.type, 'NotFound');
    const abort = await cli(['abort', 'no-such-trigger']);
    assert.equal(abort.code, 4, abort.stderr);
    assert.match(abort.stderr, /no-such-trigger/);
    assert.equal(abort.stdout, '');
  });

  test('abort on a trigger that has finished says so, with its result, and aborts nothing', async () => {
    const t = await cli(['trigger', '--job', 'quick', '--remote-jenkins-url', emulator.url, '--param', 'A=1', '--poll-interval', '1', '--id', 'msg-done', '-q']);
    assert.equal(t.code, 0, t.stderr);
    const stopsBefore = emulator.requests({ method: 'POST' }).filter((q) => q.path.endsWith('/stop')).length;
    const r = await cli(['abort', 'msg-done']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Trigger msg-done had already ended \(result SUCCESS\): nothing to abort/);
    assert.doesNotMatch(r.stderr, /^Aborted/m);
    const j = await cli(['abort', 'msg-done', '--json']);
    const out = onlyJson(j.stdout);
    assert.equal(out.aborted, false);
    assert.equal(out.result, 'SUCCESS');
    assert.equal(emulator.requests({ method: 'POST' }).filter((q) => q.path.endsWith('/stop')).length, stopsBefore, 'no stop was sent');
  });
});
