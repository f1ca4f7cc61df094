import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../src/temporal/embedded-server.js';
import type { TriggerState } from '../../src/workflows/state.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import { startOverHttpApi } from '../support/temporal.js';

/**
 * Edge functions and other languages: no SDK, only Temporal's HTTP API. The input comes from
 * `remote-trigger trigger --dry-run` (validated, no secrets in it); a worker does the rest.
 */
describe("starting, querying and aborting a trigger through Temporal's HTTP API", () => {
  let h: Harness;
  let api: string;
  before(async () => {
    const httpPort = await freePort();
    h = await Harness.start({
      scenario: { jobs: [{ name: 'edge', parameters: [{ name: 'P' }], concurrentBuild: true, build: { durationMs: 1500 } }, { name: 'edge-long', concurrentBuild: true, build: { durationMs: 60_000 } }] },
      devServerArgs: ['--http-port', String(httpPort)],
    });
    api = `http://127.0.0.1:${httpPort}/api/v1/namespaces/default/workflows`;
  });
  after(() => h?.teardown());

  async function dryRun(args: string[]): Promise<unknown> {
    const r = await runCli({ args: ['trigger', ...args, '--dry-run'], env: { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: h.tmp }, cwd: h.tmp });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  const start = (id: string, input: unknown) => startOverHttpApi(api, h.taskQueue, id, input);

  async function query(id: string): Promise<TriggerState> {
    const r = await fetch(`${api}/${id}/query/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 200, await r.clone().text());
    const body = (await r.json()) as { queryResult: TriggerState[] };
    return body.queryResult[0]!;
  }

  test('--dry-run prints the workflow input and starts nothing', async () => {
    const input = (await dryRun(['--job', 'edge', '--remote-jenkins-url', h.emulator.url, '--param', 'P=x', '--id', 'edge-1'])) as { triggerId: string; parameters: unknown; target: { jobUrl: string } };
    assert.equal(input.triggerId, 'edge-1');
    assert.deepEqual(input.parameters, [['P', 'x']]);
    assert.equal(input.target.jobUrl, `${h.emulator.url}/job/edge`);
    assert.equal(h.emulator.requests().length, 0);
  });

  test('start over HTTP, query the state over HTTP, and the worker runs it to SUCCESS', async () => {
    const input = await dryRun(['--job', 'edge', '--remote-jenkins-url', h.emulator.url, '--param', 'P=http', '--poll-interval', '1', '--id', 'edge-2']);
    await start('edge-2', input);
    const running = await eventually(async () => ((await query('edge-2')).status !== 'NOT_TRIGGERED' ? query('edge-2') : null), 'the trigger to be accepted');
    assert.ok(running.queueId! > 0);
    const final = (await h.client.workflow.getHandle('edge-2').result()) as TriggerState;
    assert.equal(final.result, 'SUCCESS');
    assert.equal(h.emulator.builds('edge').find((b) => b.number === final.buildNumber)!.parameters.P, 'http');
  });

  test('abort over HTTP with the `abort` signal', async () => {
    await start('edge-3', await dryRun(['--job', 'edge-long', '--remote-jenkins-url', h.emulator.url, '--poll-interval', '1', '--id', 'edge-3']));
    await eventually(async () => (await query('edge-3')).status === 'RUNNING', 'RUNNING');
    const r = await fetch(`${api}/edge-3/signal/abort`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: ['aborted over HTTP'] }) });
    assert.equal(r.status, 200, await r.text());
    await eventually(async () => (await query('edge-3')).result === 'ABORTED', 'the build to be aborted');
    assert.equal(h.emulator.builds('edge-long').at(-1)!.result, 'ABORTED');
  });
});
