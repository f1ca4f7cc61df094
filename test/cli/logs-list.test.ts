import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stringify } from 'yaml';
import { startOrAttach } from '../../src/client.js';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { RemoteJobHandle } from '../../src/handle.js';
import { parseConfig } from '../../src/options/config.js';
import { buildTriggerInput } from '../../src/options/trigger-input.js';
import { CLI_BIN, isolatedEnv, runCli, stopChild } from '../support/cli.js';
import { eventually } from '../support/wait.js';
import { requireTemporalCli, startDevServer } from '../support/temporal.js';

/**
 * A caller on "another machine": the worker is a `remote-trigger worker` process with its own
 * state directory, configuration and Jenkins credentials; the caller is the CLI with another
 * state directory, no configuration and no credentials, sharing only the Temporal address.
 */
describe('logs, list and setup from a caller without the worker\'s disk or credentials', () => {
  let env: TestWorkflowEnvironment;
  let emulator: JenkinsEmulator;
  let worker: ChildProcess;
  const workerDir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-worker-'));
  const callerDir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-caller-'));
  const PASSWORD = 'pw-for-logs-test';
  let configInput: Record<string, unknown>;
  let callerEnv: NodeJS.ProcessEnv;
  const cli = (args: string[], timeoutMs = 120_000) => runCli({ args, env: callerEnv, cwd: callerDir, timeoutMs });
  const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

  before(async () => {
    [env, emulator] = await Promise.all([
      startDevServer({ searchAttributes: true }),
      (async () => {
        const e = new JenkinsEmulator({
          port: 0,
          scenario: {
            security: { users: [{ name: 'ci', password: PASSWORD }] },
            jobs: [
              {
                name: 'long',
                parameters: [{ name: 'P' }],
                concurrentBuild: true,
                build: { durationMs: 6000, consoleLines: ['start', 'naïve — ünïcödé ✓ 日本語', ...Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(i)}`), 'end'] },
              },
              { name: 'other', parameters: [{ name: 'P' }], build: { durationMs: 300, result: 'FAILURE' } },
            ],
          },
        });
        await e.start();
        return e;
      })(),
    ]);
    configInput = {
      remoteHosts: [{ name: 'ci', url: emulator.url, auth: { type: 'CredentialsAuth', credentials: 'ci' } }],
      credentials: { ci: { username: 'ci', passwordEnv: 'RT_LOGS_PASSWORD' } },
    };
    writeFileSync(path.join(workerDir, 'temporal.yaml'), stringify(configInput));
    const base = { ...isolatedEnv(), TEMPORAL_ADDRESS: env.address, PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}` };
    callerEnv = { ...base, REMOTE_TRIGGER_STATE_DIR: callerDir };
    worker = spawn(process.execPath, [CLI_BIN, 'worker', '--config', path.join(workerDir, 'temporal.yaml'), '--no-console-echo'], {
      env: { ...base, REMOTE_TRIGGER_STATE_DIR: workerDir, RT_LOGS_PASSWORD: PASSWORD },
      cwd: workerDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    worker.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    await eventually(() => /remote-trigger worker: task queue/.test(err), `the worker process to start (${err})`, 60_000);
  });
  after(async () => {
    await stopChild(worker);
    await emulator?.stop();
    await env?.teardown();
  });

  /** Starts a trigger as any client would: the input names the credentials, never holds them. */
  async function start(job: string, p: string): Promise<RemoteJobHandle> {
    const config = parseConfig(configInput);
    const input = await buildTriggerInput({ job, remoteJenkinsName: 'ci', parameters: { P: p }, pollInterval: 1 }, { config, triggerId: `logs-${job}-${p}`, cwd: callerDir });
    await startOrAttach(env.client, 'remote-trigger', input);
    return new RemoteJobHandle(env.client, input.triggerId);
  }

  async function consoleText(buildUrl: string): Promise<Buffer> {
    const r = await fetch(`${buildUrl}consoleText`, { headers: { authorization: `Basic ${Buffer.from(`ci:${PASSWORD}`).toString('base64')}` } });
    assert.equal(r.status, 200);
    return Buffer.from(await r.arrayBuffer());
  }

  test('logs --follow prints exactly the build\'s consoleText, read through the worker', async () => {
    // Without credentials the caller could not read the console itself.
    const anonymous = await fetch(`${emulator.url}/job/long/api/json`);
    assert.ok(anonymous.status === 401 || anonymous.status === 403, `anonymous read refused (${anonymous.status})`);
    const handle = await start('long', 'follow');
    const r = await cli(['logs', handle.workflowId, '--follow', '--interval', '0.5']);
    assert.equal(r.code, 0, r.stderr);
    const s = await handle.result();
    assert.equal(s.status, 'FINISHED');
    const expected = await consoleText(s.buildUrl!);
    assert.ok(expected.length > 500);
    assert.equal(r.stdout, expected.toString('utf8'));
    assert.deepEqual(Buffer.from(r.stdout, 'utf8'), expected);
  });

  test('after the trigger finished, logs prints the whole console again; --json gives one object', async () => {
    const handle = new RemoteJobHandle(env.client, 'logs-long-follow');
    const s = await handle.result();
    const expected = (await consoleText(s.buildUrl!)).toString('utf8');
    const plain = await cli(['logs', handle.workflowId]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, expected);
    const json = await cli(['logs', handle.workflowId, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout.trim().split('\n').length, 1);
    const out = lastJson(json.stdout);
    assert.equal(out.console, expected);
    assert.equal(out.more, false);
    assert.equal(out.error, null);
    // handle.console({ start }): reading on from the cursor returns nothing new, nothing repeated.
    const first = await handle.console({ start: 0 });
    assert.equal(first.text, expected);
    assert.equal(first.done, true);
    const again = await handle.console({ start: first.next });
    assert.equal(again.bytes.length, 0);
  });

  test('logs of an unknown trigger exits 4 with one JSON object', async () => {
    const r = await cli(['logs', 'no-such-trigger', '--json']);
    assert.equal(r.code, 4, r.stderr);
    assert.equal((lastJson(r.stdout).error as { type: string }).type, 'NotFound');
  });

  test('list filters by job and by status, the newest first', async () => {
    const other = await start('other', 'list');
    await other.result({ throwOnFailure: false });
    const running = await start('long', 'list-running');
    await eventually(async () => (await running.state()).status === 'RUNNING', 'RUNNING');
    const byJob = await eventually(async () => {
      const r = await cli(['list', '--job', 'long', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const rows = lastJson(r.stdout).triggers as Array<{ id: string; job: string; status: string }>;
      return rows.length === 2 && rows[0]!.status === 'RUNNING' ? rows : null;
    }, 'both long triggers listed');
    assert.deepEqual(byJob.map((x) => x.id), ['logs-long-list-running', 'logs-long-follow']);
    const finished = await cli(['list', '--status', 'FINISHED', '--json']);
    const ids = (lastJson(finished.stdout).triggers as Array<{ id: string }>).map((x) => x.id);
    assert.deepEqual(ids, ['logs-other-list', 'logs-long-follow']);
    const failed = await cli(['list', '--job', 'other', '--result', 'FAILURE']);
    assert.equal(failed.code, 0, failed.stderr);
    assert.match(failed.stdout, /^ID\s+JOB\s+BUILD\s+STATUS\s+RESULT\s+AGE\n/);
    assert.match(failed.stdout, /logs-other-list\s+other\s+#1\s+FINISHED\s+FAILURE\s+\d+s\n$/);
    const bad = await cli(['list', '--status', 'DONE', '--json']);
    assert.equal(bad.code, 2);
    await running.abort('test done');
  });

  test('setup for a Temporal Cloud namespace prints the tcld command and connects to nothing', async () => {
    const r = await runCli({
      args: ['setup', '--json'],
      env: { ...callerEnv, TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'my-ns.a1b2c' },
      cwd: callerDir,
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = lastJson(r.stdout);
    assert.equal(out.cloud, true);
    assert.match(String(out.command), /^tcld namespace search-attributes add --namespace my-ns\.a1b2c /);
    for (const sa of ['RemoteJob=Keyword', 'RemoteJobUrl=Keyword', 'RemoteHost=Keyword', 'RemoteBuildStatus=Keyword', 'RemoteBuildResult=Keyword', 'RemoteBuildNumber=Int']) {
      assert.ok(String(out.command).includes(`--search-attribute "${sa}"`), sa);
    }
  });

  test('setup is idempotent: everything is registered already', async () => {
    const r = await cli(['setup', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = lastJson(r.stdout);
    assert.deepEqual(out.added, []);
    assert.equal((out.present as string[]).length, 6);
  });
});
