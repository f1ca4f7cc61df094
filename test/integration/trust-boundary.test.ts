/**
 * The worker is the trust boundary: whatever a workflow input says, a shared worker reads only
 * the secrets its configuration names, sends each only where the configuration allows, and
 * sends requests only to its remote hosts and allowOrigins. Inputs are crafted the way another
 * client would (a plain Temporal client, Temporal's HTTP API) and aimed at a receiver that
 * records every request it gets.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RemoteJobHandle, RemoteTriggerError } from '../../src/handle.js';
import type { TriggerInput } from '../../src/options/trigger-input.js';
import { freePort } from '../../src/temporal/embedded-server.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import { startOverHttpApi } from '../support/temporal.js';

const PASSWORD = 'tb-password-Zq81';
const ANY_VAR_SECRET = 'any-var-secret-Pw27';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A foreign origin: answers 404 to everything and records what it was sent. */
async function startReceiver(): Promise<{ url: string; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((r) => server.close(() => r())) };
}

describe('the worker is the trust boundary', () => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let api: string;

  before(async () => {
    receiver = await startReceiver();
    const httpPort = await freePort();
    h = await Harness.start({
      scenario: {
        jobs: [{ name: 'secured', parameters: [{ name: 'P' }], concurrentBuild: true, build: { durationMs: 200 } }],
        security: { anonymousRead: false, anonymousBuild: false, users: [{ name: 'ci-bot', password: PASSWORD }] },
      },
      config: (url) => ({
        remoteHosts: [
          { name: 'ci', url, auth: { type: 'CredentialsAuth', credentials: 'ci-bot' } },
          // A second configured host on the receiver's origin: ci-bot's credentials are not for it.
          { name: 'other', url: receiver.url },
        ],
        credentials: { 'ci-bot': { username: 'ci-bot', passwordEnv: 'RT_TB_PASSWORD' } },
        secretEnvAllow: ['RT_TB_ALLOWED'],
        allowOrigins: [],
      }),
      devServerArgs: ['--http-port', String(httpPort)],
      worker: false,
    });
    api = `http://127.0.0.1:${httpPort}/api/v1/namespaces/default/workflows`;
    await h.startWorker({ env: { ...process.env, RT_TB_PASSWORD: PASSWORD, ANY_VAR: ANY_VAR_SECRET, RT_TB_ALLOWED: ANY_VAR_SECRET } });
  });
  after(async () => {
    await h?.teardown();
    await receiver?.close();
  });

  /** Starts an input with a plain Temporal client, as any other service could. */
  async function startPlain(input: TriggerInput): Promise<RemoteJobHandle> {
    await h.client.workflow.start('remoteTrigger', { taskQueue: h.taskQueue, workflowId: input.triggerId, args: [input] });
    return new RemoteJobHandle(h.client, input.triggerId);
  }

  async function refusal(handle: RemoteJobHandle): Promise<RemoteTriggerError> {
    let caught: unknown;
    await handle.result().catch((e: unknown) => (caught = e));
    assert.ok(caught instanceof RemoteTriggerError, `expected a refusal, got ${String(caught)}`);
    assert.equal(caught.type, 'TargetRefused', caught.message);
    assert.ok(!caught.message.includes(PASSWORD) && !caught.message.includes(ANY_VAR_SECRET), 'the message holds no secret');
    return caught;
  }

  function retarget(input: TriggerInput, root: string): TriggerInput {
    return { ...input, target: { ...input.target, root, jobUrl: `${root}/job/secured` } };
  }

  test('positive control: the configured host gets its credential', async () => {
    const s = await (await h.start({ remoteJenkinsUrl: undefined, remoteJenkinsName: 'ci', job: 'secured', parameters: { P: 'ok' } })).result();
    assert.equal(s.result, 'SUCCESS');
    const post = h.emulator.requests({ method: 'POST' }).at(-1)!;
    assert.equal(post.headers.authorization, 'Basic ***');
  });

  test("ci's input re-aimed at another origin (plain Temporal client): refused, nothing sent there", async () => {
    const input = retarget(await h.input({ remoteJenkinsName: 'ci', job: 'secured', parameters: { P: 'x' } }, 'tb-retarget'), receiver.url);
    const e = await refusal(await startPlain(input));
    // The receiver is a configured host ('other'), so the request rule lets it through: the
    // credential rule is what refuses.
    assert.match(e.message, /credentials 'ci-bot' may not be sent to/);
    assert.equal(receiver.requests.length, 0);
    // Aimed at an origin that is no configured host at all: the request rule refuses first.
    const foreign = await refusal(await startPlain({ ...retarget(input, 'http://127.0.0.1:9'), triggerId: 'tb-retarget-2' }));
    assert.match(foreign.message, /neither a remote host of the worker's configuration nor in its 'allowOrigins'/);
  });

  test("the same through Temporal's HTTP API: refused, nothing sent", async () => {
    const input = retarget(await h.input({ remoteJenkinsName: 'ci', job: 'secured', parameters: { P: 'x' } }, 'tb-http'), receiver.url);
    await startOverHttpApi(api, h.taskQueue, 'tb-http', input);
    await refusal(new RemoteJobHandle(h.client, 'tb-http'));
    assert.equal(receiver.requests.length, 0);
  });

  test("ci-bot's credential aimed at another configured host: refused (a credential goes only to its host's origins)", async () => {
    const input = await h.input({ remoteJenkinsName: 'other', job: 'secured', auth: { type: 'CredentialsAuth', credentials: 'ci-bot' } }, 'tb-cred-other');
    const e = await refusal(await startPlain(input));
    assert.match(e.message, /credentials 'ci-bot' may not be sent to/);
    assert.equal(receiver.requests.length, 0);
  });

  test('an arbitrary environment variable of the worker is never read for a caller', async () => {
    const input = await h.input({ remoteJenkinsUrl: h.emulator.url, job: 'secured', auth: { type: 'TokenAuth', userName: 'u', apiTokenEnv: 'ANY_VAR' } }, 'tb-any-var');
    const before = h.emulator.requests().length;
    const e = await refusal(await startPlain(input));
    assert.match(e.message, /ANY_VAR is not listed in the worker's 'secretEnvAllow'/);
    assert.equal(h.emulator.requests().length, before, 'nothing was sent, not even to the configured host');
  });

  test('an allowed variable still goes only to a configured host, not to a foreign origin', async () => {
    const input = await h.input({ remoteJenkinsName: 'other', job: 'secured', auth: { type: 'TokenAuth', userName: 'u', apiTokenEnv: 'RT_TB_ALLOWED' } }, 'tb-allowed-var');
    // 'other' is a configured host, so the variable may go there: the positive side of the rule.
    await startPlain(input);
    await eventually(async () => (receiver.requests.length > 0 ? true : null), 'the configured host to be asked');
    assert.match(String(receiver.requests.at(-1)!.headers.authorization), /^Basic /);
    receiver.requests.length = 0;
    const foreign = retarget(input, 'http://127.0.0.1:9');
    const e = await refusal(await startPlain({ ...foreign, triggerId: 'tb-allowed-var-2' }));
    assert.match(e.message, /neither a remote host/);
  });

  test('a job URL without secrets on a foreign origin: refused by a shared worker', async () => {
    const input = await h.input({ job: `${receiver.url}/job/secured`, auth: { type: 'NoneAuth' } }, 'tb-no-secret');
    await refusal(await startPlain({ ...input, target: { ...input.target, root: 'http://127.0.0.1:9', jobUrl: 'http://127.0.0.1:9/job/secured' } }));
    assert.equal(receiver.requests.length, 0);
  });

  test('trustAllCertificates in the input cannot turn TLS verification off on a shared worker', async () => {
    const input = await h.input({ remoteJenkinsName: 'ci', job: 'secured' }, 'tb-tls');
    const e = await refusal(await startPlain({ ...input, target: { ...input.target, trustAllCertificates: true } }));
    assert.match(e.message, /trustAllCertificates/);
  });

  test('the embedded worker (allowAnyOrigin) reaches any URL its user names, but never with a secret', async () => {
    const queue = `${h.taskQueue}-open`;
    const { createTriggerWorker } = await import('../../src/worker.js');
    const { sharedBundle } = await import('../support/harness.js');
    const worker = await createTriggerWorker({
      connection: h.env.nativeConnection,
      taskQueue: queue,
      config: h.config,
      consoleDir: h.consoleDir,
      env: { ...process.env, RT_TB_PASSWORD: PASSWORD },
      workflowBundle: await sharedBundle(),
      allowAnyOrigin: true,
    });
    const running = worker.run();
    try {
      receiver.requests.length = 0;
      const open = await h.input({ job: `${receiver.url.replace('127.0.0.1', 'localhost')}/job/x`, auth: { type: 'NoneAuth' } }, 'tb-open');
      await h.client.workflow.start('remoteTrigger', { taskQueue: queue, workflowId: open.triggerId, args: [open] });
      await new RemoteJobHandle(h.client, open.triggerId).result().catch(() => {});
      assert.ok(receiver.requests.length > 0, 'the open worker sent its request');
      assert.ok(receiver.requests.every((r) => r.headers.authorization === undefined));
      const withCred = retarget(await h.input({ remoteJenkinsName: 'ci', job: 'secured' }, 'tb-open-cred'), receiver.url.replace('127.0.0.1', 'localhost'));
      receiver.requests.length = 0;
      await h.client.workflow.start('remoteTrigger', { taskQueue: queue, workflowId: withCred.triggerId, args: [withCred] });
      const e = await refusal(new RemoteJobHandle(h.client, withCred.triggerId));
      assert.match(e.message, /credentials 'ci-bot' may not be sent to/);
      assert.equal(receiver.requests.length, 0);
    } finally {
      worker.shutdown();
      await running;
    }
  });
});
