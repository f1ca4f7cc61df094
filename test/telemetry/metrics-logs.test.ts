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
import { CLI_BIN, isolatedEnv, stopChild } from '../support/cli.js';
import { eventually } from '../support/wait.js';
import { requireTemporalCli, startDevServer } from '../support/temporal.js';

/** `remote-trigger worker --metrics-port P --log-format json`, as a process of its own. */
describe('worker metrics endpoint and JSON logs', () => {
  let env: TestWorkflowEnvironment;
  let emulator: JenkinsEmulator;
  let worker: ChildProcess;
  let stderr = '';
  let metricsUrl = '';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-metrics-'));
  const PASSWORD = 'pw-metrics-secret-123';
  const configInput = () => ({
    remoteHosts: [{ name: 'ci', url: emulator.url, auth: { type: 'CredentialsAuth', credentials: 'ci' } }],
    credentials: { ci: { username: 'ci', passwordEnv: 'RT_METRICS_PASSWORD' } },
  });

  before(async () => {
    [env, emulator] = await Promise.all([
      startDevServer(),
      (async () => {
        const e = new JenkinsEmulator({
          port: 0,
          scenario: {
            security: { users: [{ name: 'ci', password: PASSWORD }] },
            jobs: [{ name: 'measured', parameters: [{ name: 'P' }], build: { durationMs: 2500, consoleLines: 3 } }],
          },
        });
        await e.start();
        return e;
      })(),
    ]);
    writeFileSync(path.join(dir, 'temporal.yaml'), stringify(configInput()));
    worker = spawn(process.execPath, [CLI_BIN, 'worker', '--config', path.join(dir, 'temporal.yaml'), '--metrics-port', '0', '--log-format', 'json'], {
      env: { ...isolatedEnv(), TEMPORAL_ADDRESS: env.address, REMOTE_TRIGGER_STATE_DIR: dir, RT_METRICS_PASSWORD: PASSWORD, PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}` },
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    worker.stdout!.resume();
    metricsUrl = await eventually(() => /metrics on (http:\/\/\S+\/metrics)/.exec(stderr)?.[1], `the metrics endpoint (${stderr})`, 60_000);
    await eventually(() => /task queue/.test(stderr), 'the worker to run', 60_000);
  });
  after(async () => {
    await stopChild(worker);
    await emulator?.stop();
    await env?.teardown();
  });

  const value = (text: string, series: string): number | null => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : null;
  };

  test('the endpoint counts a finished trigger, its Jenkins requests and polls, beside the SDK\'s metrics', async () => {
    const before = await (await fetch(metricsUrl)).text();
    assert.equal(value(before, 'remote_trigger_triggers_started_total'), 0);
    const input = await buildTriggerInput({ job: 'measured', remoteJenkinsName: 'ci', parameters: { P: '1' }, pollInterval: 1 }, { config: parseConfig(configInput()), triggerId: 'metrics-1', cwd: dir });
    await startOrAttach(env.client, 'remote-trigger', input);
    const handle = new RemoteJobHandle(env.client, input.triggerId);
    await eventually(async () => (await handle.state()).status === 'RUNNING', 'RUNNING');
    const during = await (await fetch(metricsUrl)).text();
    assert.equal(value(during, 'remote_trigger_triggers_waiting{phase="build"}'), 1);
    const s = await handle.result();
    assert.equal(s.result, 'SUCCESS');

    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.equal(value(text, 'remote_trigger_triggers_started_total'), 1);
    assert.equal(value(text, 'remote_trigger_triggers_ended_total{result="SUCCESS"}'), 1);
    const host = new URL(emulator.url).host;
    assert.ok((value(text, `remote_trigger_jenkins_requests_total{host="${host}",method="GET",status_class="2xx"}`) ?? 0) >= 3, text);
    assert.ok((value(text, `remote_trigger_jenkins_requests_total{host="${host}",method="POST",status_class="2xx"}`) ?? 0) >= 1, text);
    assert.ok((value(text, 'remote_trigger_poll_lateness_seconds_count') ?? 0) >= 1);
    assert.equal(value(text, 'remote_trigger_triggers_waiting{phase="build"}'), 0);
    // The SDK's runtime metrics, from Core's Prometheus exporter.
    assert.match(text, /^temporal_\w+/m);
    assert.doesNotMatch(text, new RegExp(PASSWORD));
  });

  test('--log-format json: one object per line, with trigger id, job, build and trace id, and no secret', async () => {
    const lines = stderr.split('\n').filter(Boolean);
    const objects = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        assert.fail(`not a JSON line: ${l}`);
      }
    });
    const ours = objects.filter((o) => o.triggerId === 'metrics-1');
    assert.ok(ours.length > 0, stderr);
    assert.ok(ours.some((o) => o.job === 'measured' && typeof o.traceId === 'string' && /^[0-9a-f]{32}$/.test(o.traceId as string)), JSON.stringify(ours));
    assert.ok(ours.some((o) => o.build === 1), JSON.stringify(ours));
    assert.doesNotMatch(stderr, new RegExp(PASSWORD));
    // This dev server has no search attributes: the worker said so at start, and went on.
    assert.ok(
      objects.some((o) => o.level === 'WARN' && /search attributes not registered on namespace 'default': RemoteJob, RemoteJobUrl/.test(String(o.message))),
      stderr,
    );
  });
});
