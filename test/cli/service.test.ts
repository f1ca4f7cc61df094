import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { embeddedServerRecord } from '../../src/temporal/embedded-server.js';
import { readServiceRecord } from '../../src/temporal/local-service.js';
import { processMatches } from '../../src/temporal/processes.js';
import { isolatedEnv, killEmbeddedServer, runCli } from '../support/cli.js';
import { eventually } from '../support/wait.js';
import { requireTemporalCli } from '../support/temporal.js';

/**
 * The embedded mode's local service: one detached dev server + one worker per state directory,
 * pinned to the configuration it was started with. CLI runs are clients only.
 */
const TOKEN = '11cibotapitoken000000000000000000';

describe('the local service (embedded mode)', () => {
  let emulator: JenkinsEmulator;
  const root = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-service-'));
  const stateDir = path.join(root, 'state');
  const dirA = path.join(root, 'a'); // holds cfg.yaml
  const dirB = path.join(root, 'b'); // another directory, no configuration
  const cfg = path.join(dirA, 'cfg.yaml');
  const env = {
    ...isolatedEnv(),
    REMOTE_TRIGGER_STATE_DIR: stateDir,
    CI_BOT_TOKEN: TOKEN,
    PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}`,
  };
  const cli = (args: string[], cwd = dirA, timeoutMs = 120_000, extraEnv: Record<string, string> = {}) =>
    runCli({ args, env: { ...env, ...extraEnv }, cwd, timeoutMs });
  const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  let client: Client | null = null;
  async function temporal(): Promise<Client> {
    const rec = readServiceRecord(stateDir);
    assert.ok(rec, 'a local service is recorded');
    client ??= new Client({ connection: await Connection.connect({ address: rec.address }) });
    return client;
  }

  before(async () => {
    mkdirSync(dirA, { recursive: true });
    mkdirSync(dirB, { recursive: true });
    emulator = new JenkinsEmulator({
      port: 0,
      scenario: {
        jobs: [
          { name: 'slow', build: { durationMs: 6000 } },
          { name: 'quick', quietPeriodMs: 0, build: { durationMs: 1000 } },
          { name: 'quick200', quietPeriodMs: 0, build: { durationMs: 200 } },
          { name: 'failing', quietPeriodMs: 0, build: { durationMs: 300, result: 'FAILURE' } },
          { name: 'hiccup', quietPeriodMs: 0, build: { durationMs: 2500 } },
          { name: 'off', disabled: true },
        ],
        // Nothing without the credential: a worker lacking it could not even read the job.
        security: { anonymousRead: false, anonymousBuild: false, users: [{ name: 'ci-bot', apiTokens: [TOKEN] }] },
      },
    });
    await emulator.start();
    writeFileSync(
      cfg,
      [
        'remoteHosts:',
        '  - name: ci',
        `    url: ${emulator.url}`,
        '    auth: { type: CredentialsAuth, credentials: ci-bot }',
        'credentials:',
        '  ci-bot:',
        '    username: ci-bot',
        '    passwordEnv: CI_BOT_TOKEN',
        '    apiToken: true',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await client?.connection.close();
    killEmbeddedServer(stateDir);
    await emulator?.stop();
  });

  test('a stray `status` without the configuration never touches the trigger: it finishes SUCCESS on the service', async () => {
    const started = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'slow', '--no-block-build-until-complete', '--json', '--id', 's20']);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stderr, /Starting the local service/);
    // From another directory, without --config: a client only.
    const status = await cli(['status', 's20', '--json'], dirB);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(json(status.stdout).workflowId, 's20');
    const waited = await cli(['wait', 's20', '--json'], dirB);
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal(json(waited.stdout).result, 'SUCCESS');
    // Only the service's worker ran the trigger's activities, and none of them ever failed.
    const service = readServiceRecord(stateDir)!;
    assert.equal(service.config.path, cfg);
    const history = await (await temporal()).workflow.getHandle('s20').fetchHistory();
    const events = history.events ?? [];
    const identities = new Set(events.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.identity));
    assert.deepEqual([...identities], [service.identity]);
    assert.equal(events.filter((e) => e.activityTaskFailedEventAttributes).length, 0);
    assert.equal(emulator.builds('slow').length, 1);
  });

  test('a non-blocking trigger reaches FINISHED with no CLI running', async () => {
    const r = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'quick', '--poll-interval', '1', '--no-block-build-until-complete', '--json', '--id', 'nb-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(json(r.stdout).status, 'FINISHED', 'the CLI returned before the build finished');
    // No CLI process runs from here on: only the service can finish it.
    const handle = (await temporal()).workflow.getHandle('nb-1');
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 'the trigger to complete on the service', 60_000, 250);
    const state = (await handle.result()) as { status: string; result: string };
    assert.deepEqual([state.status, state.result], ['FINISHED', 'SUCCESS']);
  });

  test('a command with another configuration is refused (exit 2) and starts nothing', async () => {
    const other = path.join(dirB, 'other.yaml');
    writeFileSync(other, `${readFileSync(cfg, 'utf8')}# another file\n`);
    const before = emulator.requests().length;
    const r = await cli(['trigger', '--config', other, '--remote-jenkins-name', 'ci', '--job', 'quick', '--json', '--id', 'mismatch-1'], dirB);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(cfg), `names the service's file\n${r.stderr}`);
    assert.ok(r.stderr.includes(other), `names this command's file\n${r.stderr}`);
    assert.match(r.stderr, /remote-trigger service restart --config /);
    // No configuration file at all is another configuration too.
    const none = await cli(['trigger', '--remote-jenkins-url', emulator.url, '--job', 'quick', '--auth', 'none', '--json', '--id', 'mismatch-2'], dirB);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /no configuration file/);
    // The same file, edited since the service started: another configuration as well.
    const text = readFileSync(cfg, 'utf8');
    writeFileSync(cfg, `${text}# edited\n`);
    try {
      const edited = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'quick', '--json', '--id', 'mismatch-3']);
      assert.equal(edited.code, 2, edited.stderr);
      assert.ok(edited.stderr.includes(`service restart --config ${cfg}`), edited.stderr);
    } finally {
      writeFileSync(cfg, text);
    }
    assert.equal(emulator.requests().length, before, 'nothing reached Jenkins');
    await assert.rejects((await temporal()).workflow.getHandle('mismatch-1').describe());
    assert.equal(readServiceRecord(stateDir)!.config.path, cfg, 'the service kept its configuration');
    // What the message says to do works: the service restarts with the other file.
    const first = readServiceRecord(stateDir)!;
    await client?.connection.close();
    client = null;
    const restarted = await cli(['service', 'restart', '--config', other], dirB);
    assert.equal(restarted.code, 0, restarted.stderr);
    const second = readServiceRecord(stateDir)!;
    assert.equal(second.config.path, other);
    assert.notEqual(second.pid, first.pid);
    assert.equal(processMatches(first.pid, first.token), false);
    const ok = await cli(['trigger', '--config', other, '--remote-jenkins-name', 'ci', '--job', 'quick', '--poll-interval', '1', '--json'], dirB);
    assert.equal(ok.code, 0, ok.stderr);
    const back = await cli(['service', 'restart', '--config', 'cfg.yaml']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(readServiceRecord(stateDir)!.config.path, cfg);
  });

  test('a 200 ms build with the default intervals: queue and build polls start fast', async () => {
    emulator.clearRequests();
    const r = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'quick200', '--json', '--id', 'q200']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json(r.stdout).result, 'SUCCESS');
    const reqs = emulator.requests();
    const post = reqs.find((q) => q.method === 'POST' && q.path.startsWith('/job/quick200/build'))!;
    const queue = reqs.filter((q) => q.path.startsWith('/queue/item/'));
    const build = reqs.filter((q) => /^\/job\/quick200\/\d+\/api\/json/.test(q.path));
    assert.ok(post && queue.length >= 1 && build.length >= 1, reqs.map((q) => `${q.method} ${q.path}`).join('\n'));
    // Default pollInterval 10 s (queue likewise): no poll of this trigger waited for a whole
    // interval (with the fixed schedule the first one came at +10 s). This checks the schedule,
    // not latency: the time to the result is measured by bench/poll-requests.ts (0.6 s there).
    const late = [...queue, ...build].filter((q) => q.at - post.at >= 5000);
    assert.deepEqual(late.map((q) => `${q.path} +${q.at - post.at} ms`), []);
    assert.ok(queue.length + build.length <= 6, `${queue.length} queue and ${build.length} build polls`);
  });

  test('warnings of the service about a trigger reach its CLI; -q silences them', async () => {
    for (const [quiet, id] of [[false, 'warn-1'], [true, 'warn-2']] as const) {
      emulator.addFault({ method: 'GET', path: /^\/job\/hiccup\/\d+\/api\/json/, kind: 'status503', times: 1 });
      const r = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'hiccup', '--poll-interval', '1', '--json', '--id', id, ...(quiet ? ['-q'] : [])]);
      assert.equal(r.code, 0, r.stderr);
      if (quiet) assert.equal(r.stderr, '', 'nothing at all under -q');
      else assert.match(r.stderr, new RegExp(`WARN: \\[${id}\\] Jenkins did not answer usefully`));
    }
  });

  test('exit 1 carries a RemoteBuildFailed error; a refused trigger exits 5', async () => {
    const failed = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'failing', '--poll-interval', '1', '--json']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.deepEqual(json(failed.stdout).error, { type: 'RemoteBuildFailed', message: 'The remote job did not succeed. (FAILURE)', result: 'FAILURE' });
    const missing = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'no-such-job', '--json']);
    assert.equal(missing.code, 5, missing.stderr);
    assert.equal((json(missing.stdout).error as { type: string }).type, 'JenkinsRejected');
    const disabled = await cli(['trigger', '--config', 'cfg.yaml', '--remote-jenkins-name', 'ci', '--job', 'off', '--json']);
    assert.equal(disabled.code, 5, disabled.stderr);
  });

  test('service status names the pinned configuration; service stop stops both processes and removes the records', async () => {
    const st = await cli(['service', 'status', '--json'], dirB);
    assert.equal(st.code, 0, st.stderr);
    const info = json(st.stdout) as { running: boolean; pid: number; serverPid: number; config: { path: string } };
    assert.equal(info.running, true);
    assert.equal(info.config.path, cfg);
    const service = readServiceRecord(stateDir)!;
    const serverPid = embeddedServerRecord(stateDir)!.pid;
    assert.equal(info.pid, service.pid);
    assert.equal(info.serverPid, serverPid);
    assert.ok(processMatches(service.pid, service.token) && processMatches(serverPid, 'start-dev'));
    await client?.connection.close();
    client = null;
    const r = await cli(['service', 'stop'], dirB);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/Stopped/g)?.length, 1, r.stderr);
    // Gone when the command returns, not later.
    assert.equal(processMatches(service.pid, service.token), false, 'the worker process is gone');
    assert.equal(processMatches(serverPid, 'start-dev'), false, 'the dev server is gone');
    assert.equal(existsSync(path.join(stateDir, 'service.json')), false);
    assert.equal(existsSync(path.join(stateDir, 'server.json')), false);
    const again = await cli(['stop-server'], dirB);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /No local service runs/);
  });

  test('an invalid emulator scenario exits 2 naming the field, without a stack trace', async () => {
    const file = path.join(dirB, 'bad-scenario.yaml');
    writeFileSync(file, 'jobs:\n  - name: x\n    build: { durationMs: soon }\n');
    const r = await cli(['emulator', '--port', '0', '--scenario', file], dirB, 30_000);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /jobs\.0\.build\.durationMs/);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/);
  });
});

describe('the local service stops by itself when idle', () => {
  let emulator: JenkinsEmulator;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-idle-'));
  const env = {
    ...isolatedEnv(),
    REMOTE_TRIGGER_STATE_DIR: stateDir,
    REMOTE_TRIGGER_IDLE_MINUTES: '0.05', // 3 s
    PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}`,
  };
  before(async () => {
    emulator = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'eight', quietPeriodMs: 0, build: { durationMs: 8000 } }] } });
    await emulator.start();
  });
  after(async () => {
    killEmbeddedServer(stateDir);
    await emulator?.stop();
  });

  test('an open trigger longer than the idle time keeps it; with none open it stops, records removed', async () => {
    // Not blocking: no CLI (and no client lease) runs while the 8 s build goes on.
    const r = await runCli({ args: ['trigger', '--job', 'eight', '--remote-jenkins-url', emulator.url, '--poll-interval', '1', '--no-block-build-until-complete', '--json', '--id', 'idle-1'], env, cwd: stateDir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const service = readServiceRecord(stateDir)!;
    const serverPid = embeddedServerRecord(stateDir)!.pid;
    assert.ok(service && serverPid);
    await eventually(() => emulator.builds('eight').some((b) => !b.building), 'the 8 s build to finish', 60_000, 100);
    assert.equal(processMatches(service.pid, service.token), true, 'the service stayed while the trigger was open (idle time 3 s)');
    await eventually(() => !processMatches(service.pid, service.token) && !processMatches(serverPid, 'start-dev'), 'the idle service to stop', 60_000, 200);
    assert.equal(existsSync(path.join(stateDir, 'service.json')), false);
    assert.equal(existsSync(path.join(stateDir, 'server.json')), false);
    const log = readFileSync(path.join(stateDir, 'service.log'), 'utf8');
    assert.match(log, /\[idle-1\] Remote build finished with status SUCCESS/);
    assert.match(log, /no open trigger for 0\.05 min/);
  });
});

describe('the library default runtime uses the same local service', () => {
  let emulator: JenkinsEmulator;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-lib-'));
  const saved = { ...process.env };
  before(async () => {
    emulator = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'lib', quietPeriodMs: 0, build: { durationMs: 2000 } }] } });
    await emulator.start();
    const empty = path.join(stateDir, 'empty.yaml');
    writeFileSync(empty, '{}\n');
    Object.assign(process.env, {
      REMOTE_TRIGGER_STATE_DIR: stateDir,
      REMOTE_TRIGGER_CONFIG: empty,
      PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}`,
    });
    for (const k of Object.keys(process.env)) if (/^TEMPORAL_(ADDRESS|PROFILE|CONFIG_FILE|NAMESPACE)/.test(k)) delete process.env[k];
  });
  after(async () => {
    process.env = saved;
    killEmbeddedServer(stateDir);
    await emulator?.stop();
  });

  test('triggerRemoteJob with no client: the trigger finishes after shutdown(), on the service', async () => {
    const { triggerRemoteJob, shutdown } = await import('../../src/client.js');
    const handle = await triggerRemoteJob({ job: 'lib', remoteJenkinsUrl: emulator.url, pollInterval: 1, blockBuildUntilComplete: false }, { id: 'lib-1' });
    await shutdown(); // nothing of this process runs the trigger from here on
    const service = readServiceRecord(stateDir);
    assert.ok(service, 'the library started the local service');
    assert.equal(handle.workflowId, 'lib-1');
    const connection = await Connection.connect({ address: service.address });
    try {
      const wf = new Client({ connection }).workflow.getHandle('lib-1');
      const state = (await wf.result()) as { status: string; result: string };
      assert.deepEqual([state.status, state.result], ['FINISHED', 'SUCCESS']);
      const events = (await wf.fetchHistory()).events ?? [];
      const identities = new Set(events.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.identity));
      assert.deepEqual([...identities], [service.identity]);
    } finally {
      await connection.close();
    }
  });
});
