import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { parseConfig } from '../../src/options/config.js';
import { buildTriggerInput } from '../../src/options/trigger-input.js';
import { stopLocalService } from '../../src/temporal/local-service.js';
import type { TriggerState } from '../../src/workflows/state.js';
import { CLI_BIN, isolatedEnv } from '../support/cli.js';
import { eventually } from '../support/wait.js';
import { type ApiProcess, runProcess, startApiProcess } from '../support/processes.js';

describe('remote-trigger serve refuses to start without authentication', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-serve-'));
  const config = path.join(tmp, 'temporal.yaml');
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: tmp, REMOTE_TRIGGER_CONFIG: config, ...extra });
  before(() => writeFileSync(config, stringify({ remoteHosts: [{ name: 'ci', url: 'http://127.0.0.1:9' }], api: { tokens: [{ env: 'API_TOKEN_OF_TEST' }] } })));

  test('no token configured: exit 2, nothing served', async () => {
    writeFileSync(path.join(tmp, 'none.yaml'), stringify({ remoteHosts: [{ name: 'ci', url: 'http://127.0.0.1:9' }] }));
    const r = await runProcess(process.execPath, [CLI_BIN, 'serve', '--port', '0'], env({ REMOTE_TRIGGER_CONFIG: path.join(tmp, 'none.yaml') }));
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /no API token configured/);
    assert.doesNotMatch(r.out, /listening/);
  });

  test('api.tokens names a variable that is not set: exit 2', async () => {
    const r = await runProcess(process.execPath, [CLI_BIN, 'serve', '--port', '0'], env());
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /API_TOKEN_OF_TEST is not set/);
  });

  test('--no-auth on an address other than loopback: exit 2', async () => {
    const r = await runProcess(process.execPath, [CLI_BIN, 'serve', '--port', '0', '--no-auth', '--host', '0.0.0.0'], env());
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /--no-auth is allowed only on a loopback address/);
  });
});

/**
 * The quick start: no Temporal configured, so `serve` is a client of the local service (the
 * embedded dev server, with its HTTP API port recorded in server.json, and the one worker).
 */
describe('remote-trigger serve on the embedded defaults', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-serve-'));
  let emulator: JenkinsEmulator;
  let foreign: JenkinsEmulator;
  let api: ApiProcess;
  before(async () => {
    emulator = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'quick', build: { durationMs: 500 } }] } });
    foreign = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'quick', build: { durationMs: 500 } }] } });
    await Promise.all([emulator.start(), foreign.start()]);
    const config = path.join(tmp, 'temporal.yaml');
    writeFileSync(config, stringify({ remoteHosts: [{ name: 'emulator', url: emulator.url }] }));
    api = await startApiProcess(process.execPath, [CLI_BIN, 'serve', '--no-auth', '--port', '0'], { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: tmp, REMOTE_TRIGGER_CONFIG: config }, 120_000);
  });
  after(async () => {
    await api?.stop();
    await stopLocalService(tmp);
    await emulator?.stop();
    await foreign?.stop();
  });

  test('a plain POST (no token with --no-auth on localhost) starts a trigger that the in-process worker runs to SUCCESS', async () => {
    const r = await fetch(`${api.url}/v1/triggers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'quick-1', options: { job: 'quick', remoteJenkinsName: 'emulator', pollInterval: 1 } }),
    });
    assert.equal(r.status, 201, await r.clone().text());
    const done = await fetch(`${api.url}/v1/triggers/quick-1/result?timeout=60`);
    assert.equal(done.status, 200);
    assert.equal(((await done.json()) as { state: TriggerState }).state.result, 'SUCCESS');
    assert.equal(emulator.builds('quick').length, 1);
  });

  test("the embedded dev server opened Temporal's HTTP API and recorded its port in server.json", async () => {
    const rec = JSON.parse(readFileSync(path.join(tmp, 'server.json'), 'utf8')) as { httpPort?: number };
    assert.ok(rec.httpPort, 'no httpPort in server.json');
    assert.match(api.output(), new RegExp(`Temporal HTTP API .*http://127\\.0\\.0\\.1:${rec.httpPort}`));
    const r = await fetch(`http://127.0.0.1:${rec.httpPort}/api/v1/namespaces/default/workflows/quick-1`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /remoteTrigger/);
  });

  test('serve runs no worker of its own: the local service of the state directory ran the trigger', async () => {
    const service = JSON.parse(readFileSync(path.join(tmp, 'service.json'), 'utf8')) as { identity: string };
    const rec = JSON.parse(readFileSync(path.join(tmp, 'server.json'), 'utf8')) as { httpPort: number };
    const history = await (await fetch(`http://127.0.0.1:${rec.httpPort}/api/v1/namespaces/default/workflows/quick-1/history`)).text();
    const identities = new Set([...history.matchAll(/"identity":\s*"([^"]+)"/g)].map((m) => m[1]));
    assert.ok(identities.has(service.identity), `the service's worker ran it (identities: ${[...identities].join(', ')})`);
    // Every workflow and activity task was taken by that one worker: no second worker competed.
    const workers = [...history.matchAll(/"(?:workflowTaskStartedEventAttributes|activityTaskStartedEventAttributes)":\s*\{[^}]*"identity":\s*"([^"]+)"/g)].map((m) => m[1]);
    assert.ok(workers.length > 0 && workers.every((w) => w === service.identity), workers.join(', '));
  });

  test('the API refuses a trigger on an origin outside the configuration (403), and nothing reaches it', async () => {
    const r = await fetch(`${api.url}/v1/triggers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'foreign-1', options: { job: 'quick', remoteJenkinsUrl: foreign.url } }),
    });
    assert.equal(r.status, 403, await r.text());
    assert.equal(foreign.requests().length, 0);
  });

  test('a webhook to an origin outside notifyOrigins is refused by the worker, and the trigger still succeeds', async () => {
    const rec = JSON.parse(readFileSync(path.join(tmp, 'server.json'), 'utf8')) as { httpPort: number };
    const input = await buildTriggerInput(
      { job: 'quick', remoteJenkinsName: 'emulator', pollInterval: 1, notify: { url: `${foreign.url}/hook`, secret: { env: 'HOME' } } },
      { config: parseConfig({ remoteHosts: [{ name: 'emulator', url: emulator.url }] }), triggerId: 'around-hook' },
    );
    const r = await fetch(`http://127.0.0.1:${rec.httpPort}/api/v1/namespaces/default/workflows/around-hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflowType: { name: 'remoteTrigger' }, taskQueue: { name: 'remote-trigger' }, input: [input] }),
    });
    assert.equal(r.status, 200, await r.text());
    const done = await fetch(`${api.url}/v1/triggers/around-hook/result?timeout=60`);
    assert.equal(done.status, 200);
    assert.equal(((await done.json()) as { state: TriggerState }).state.result, 'SUCCESS');
    const history = await (await fetch(`http://127.0.0.1:${rec.httpPort}/api/v1/namespaces/default/workflows/around-hook/history`)).text();
    assert.match(history, /deliverWebhooks/, 'the delivery workflow was started');
    // The delivery workflow ends at once: a refusal is not retried.
    const delivery = await eventually(async () => {
      const d = (await (await fetch(`http://127.0.0.1:${rec.httpPort}/api/v1/namespaces/default/workflows/around-hook:notify`)).json()) as { workflowExecutionInfo?: { status?: string } };
      return d.workflowExecutionInfo?.status === 'WORKFLOW_EXECUTION_STATUS_COMPLETED' ? d : null;
    }, 'the delivery workflow to complete');
    assert.ok(delivery);
    const deliveryHistory = await (await fetch(`http://127.0.0.1:${rec.httpPort}/api/v1/namespaces/default/workflows/around-hook:notify/history`)).text();
    assert.match(deliveryHistory, /is not in the worker's 'notifyOrigins'/, 'the refusal is recorded');
    assert.equal(foreign.requests().length, 0);
  });
});
