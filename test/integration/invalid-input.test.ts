/**
 * The workflow validates its input: other clients (Temporal's HTTP API here) bypass the CLI and
 * library. Each row of the table starts `remoteTrigger` over the HTTP API with one field broken;
 * the workflow must fail at once with a non-retryable InvalidInput naming that field, before any
 * activity runs, so the emulator receives nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { freePort } from '../../src/temporal/embedded-server.js';
import type { TriggerInput } from '../../src/options/trigger-input.js';
import { Harness } from '../support/harness.js';
import { startOverHttpApi } from '../support/temporal.js';

type Patch = (input: Record<string, unknown> & { target: Record<string, unknown> }) => void;

const rows: Array<{ name: string; patch: Patch; field: RegExp }> = [
  { name: 'pollIntervalSeconds past the timer range', patch: (i) => (i.pollIntervalSeconds = 99_999_999_999), field: /^pollIntervalSeconds$/ },
  { name: 'pollIntervalSeconds 0', patch: (i) => (i.pollIntervalSeconds = 0), field: /^pollIntervalSeconds$/ },
  { name: 'pollIntervalSeconds as text', patch: (i) => (i.pollIntervalSeconds = '10'), field: /^pollIntervalSeconds$/ },
  { name: 'queuePollIntervalSeconds 31', patch: (i) => (i.queuePollIntervalSeconds = 31), field: /^queuePollIntervalSeconds$/ },
  { name: 'timeoutSeconds of 30 years', patch: (i) => (i.timeoutSeconds = 30 * 365 * 86400), field: /^timeoutSeconds$/ },
  { name: 'httpGetReadTimeoutMs 10^9', patch: (i) => (i.httpGetReadTimeoutMs = 1e9), field: /^httpGetReadTimeoutMs$/ },
  { name: 'httpPostReadTimeoutMs 5', patch: (i) => (i.httpPostReadTimeoutMs = 5), field: /^httpPostReadTimeoutMs$/ },
  { name: 'maxConn 50', patch: (i) => (i.target.maxConn = 50), field: /^target\.maxConn$/ },
  { name: 'a root with user info', patch: (i) => (i.target.root = String(i.target.root).replace('http://', 'http://bob:pw@')), field: /^target\.root$/ },
  { name: 'a root with a query', patch: (i) => (i.target.root = `${String(i.target.root)}/?a=b`), field: /^target\.root$/ },
  { name: 'a job URL on another origin', patch: (i) => (i.target.jobUrl = 'http://127.0.0.1:9/job/x'), field: /^target\.jobUrl$/ },
  { name: "a job URL with '..'", patch: (i) => (i.target.jobUrl = `${String(i.target.root)}/job/../job/script`), field: /^target\.jobUrl$/ },
  { name: 'a job name with a forbidden character', patch: (i) => (i.job = 'a;b'), field: /^job$/ },
  { name: 'no triggerId', patch: (i) => delete i.triggerId, field: /^triggerId$/ },
  { name: 'no target', patch: (i) => delete (i as Record<string, unknown>).target, field: /^target$/ },
  { name: 'an unknown field', patch: (i) => (i.surprise = true), field: /^$/ },
  { name: 'parameters not a list', patch: (i) => (i.parameters = 'A=1'), field: /^parameters$/ },
  { name: 'a parameter without a value', patch: (i) => (i.parameters = [['A']]), field: /^parameters\[0\]/ },
  { name: 'an unknown result in passingResults', patch: (i) => (i.passingResults = ['GREEN']), field: /^passingResults\[0\]$/ },
  { name: 'a literal secret instead of a reference', patch: (i) => (i.token = 's3cret'), field: /^token$/ },
  { name: 'an auth kind that does not exist', patch: (i) => (i.target.auth = { kind: 'basic', user: 'u', password: 'p' }), field: /^target\.auth/ },
];

describe('the workflow refuses invalid input from any client (InvalidInput, nothing sent)', () => {
  let h: Harness;
  let api: string;
  let valid: TriggerInput;
  before(async () => {
    const httpPort = await freePort();
    h = await Harness.start({ scenario: { jobs: [{ name: 'x', parameters: [{ name: 'A' }], build: { durationMs: 100 } }] }, devServerArgs: ['--http-port', String(httpPort)] });
    api = `http://127.0.0.1:${httpPort}/api/v1/namespaces/default/workflows`;
    valid = await h.input({ remoteJenkinsUrl: h.emulator.url, job: 'x', parameters: { A: '1' } }, 'valid');
  });
  after(() => h?.teardown());

  const startOverHttp = (id: string, input: unknown) => startOverHttpApi(api, h.taskQueue, id, input);

  test('positive control: the valid input, started the same way, runs to SUCCESS', async () => {
    await startOverHttp('valid', valid);
    const s = (await h.client.workflow.getHandle('valid').result()) as { result: string };
    assert.equal(s.result, 'SUCCESS');
  });

  rows.forEach((row, n) => {
    test(row.name, async () => {
      const input = structuredClone(valid) as unknown as Record<string, unknown> & { target: Record<string, unknown> };
      input.triggerId = `invalid-${n}`;
      row.patch(input);
      const before = h.emulator.requests().length;
      await startOverHttp(`invalid-${n}`, input);
      const handle = h.client.workflow.getHandle(`invalid-${n}`);
      let caught: unknown;
      await handle.result().catch((e: unknown) => (caught = e));
      assert.ok(caught instanceof WorkflowFailedError, `the workflow failed (${String(caught)})`);
      const cause = caught.cause;
      assert.ok(cause instanceof ApplicationFailure);
      assert.equal(cause.type, 'InvalidInput');
      assert.equal(cause.nonRetryable, true);
      assert.match((cause.details?.[0] as { field: string }).field, row.field, cause.message);
      assert.ok(!cause.message.includes('pw@'), 'a password in a URL is not repeated');
      const history = await handle.fetchHistory();
      assert.ok(!history.events?.some((e) => e.activityTaskScheduledEventAttributes), 'no activity was scheduled');
      assert.equal(h.emulator.requests().length, before, 'nothing was sent to Jenkins');
    });
  });
});
