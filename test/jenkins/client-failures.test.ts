// Connection-level failures: timeouts, refused connections, cancellation, TLS, the limiter.
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { JenkinsClient, JenkinsError, type Limiter } from '../../src/jenkins/index.js';
import { selfSignedCert } from '../support/tls.js';
import { sendJson, startServer, type TestServer } from './helpers/server.js';
import { fixture } from './helpers/fixtures.js';

const auth = { kind: 'basic', user: 'ci', secret: 'api-token', apiToken: true } as const;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail('should throw'),
    (err: unknown) => err,
  );
}

describe('timeouts and connection failures', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('POST without an answer -> timeout, requestSent unknown, not retryable', async () => {
    server = await startServer(() => {
      /* never answer */
    });
    const client = new JenkinsClient({ root: server.url, auth, postTimeoutMs: 300 });
    const e = await rejection(client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: false, parameters: [], token: 'secret-tok' }));
    assert.ok(e instanceof JenkinsError);
    assert.deepEqual([e.kind, e.requestSent, e.retryable, e.method], ['timeout', 'unknown', false, 'POST']);
    assert.ok(!e.message.includes('secret-tok'));
    assert.equal(server.requests.length, 1);
  });

  it('GET without an answer -> timeout, retryable', async () => {
    server = await startServer(() => {});
    const client = new JenkinsClient({ root: server.url, auth, getTimeoutMs: 300 });
    const e = await rejection(client.getQueueItem(1));
    assert.ok(e instanceof JenkinsError);
    assert.deepEqual([e.kind, e.requestSent, e.retryable], ['timeout', 'unknown', true]);
  });

  it('connection refused -> network, requestSent no, retryable', async () => {
    const closed = await startServer(() => {});
    const url = closed.url;
    await closed.close();
    const client = new JenkinsClient({ root: url, auth });
    const e = await rejection(client.triggerBuild({ jobUrl: `${url}/job/demo`, parameterized: false, parameters: [] }));
    assert.ok(e instanceof JenkinsError);
    assert.deepEqual([e.kind, e.requestSent, e.retryable], ['network', 'no', true]);
    assert.ok(e.message.includes('ECONNREFUSED'));
  });

  it('the caller abort signal cancels in-flight requests with its own reason', async () => {
    server = await startServer(() => {});
    const controller = new AbortController();
    const client = new JenkinsClient({ root: server.url, auth, signal: controller.signal });
    const pending = rejection(client.getBuild(`${server.url}/job/x/1/`));
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 50);
    assert.equal(await pending, reason);
  });

  it('every request goes through the limiter', async () => {
    server = await startServer((req, res) => sendJson(res, fixture('build-success.json')));
    let runs = 0;
    const limiter: Limiter = { run: (fn) => (runs++, fn()) };
    const client = new JenkinsClient({ root: server.url, auth, limiter });
    await client.getBuild(`${server.url}/job/demo/14/`);
    await client.getBuild(`${server.url}/job/demo/14/`);
    assert.equal(runs, 2);
  });
});

describe('TLS', () => {
  const tls = selfSignedCert();

  it('verifies certificates by default and can trust all for one client', async () => {
    const seen: Array<{ auth: string | undefined; cookie: string | undefined }> = [];
    const server = https.createServer({ key: tls?.key, cert: tls?.cert }, (req, res) => {
      seen.push({ auth: req.headers.authorization, cookie: req.headers.cookie });
      if (req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'JSESSIONID.9=s9; Path=/' });
        return res.end(JSON.stringify({ crumb: 'c9', crumbRequestField: 'Jenkins-Crumb' }));
      }
      res.writeHead(201, { Location: '/queue/item/77/' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const root = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const strict = new JenkinsClient({ root, auth });
      const e = await rejection(strict.getBuild(`${root}/job/x/1/`));
      assert.ok(e instanceof JenkinsError);
      assert.deepEqual([e.kind, e.requestSent, e.retryable], ['tls', 'no', false]);

      // The insecure path (node:https) must behave like the normal one: crumb, cookie, manual redirects.
      const trusting = new JenkinsClient({ root, auth: { kind: 'basic', user: 'u', secret: 'pw', apiToken: false }, trustAllCertificates: true });
      const res = await trusting.triggerBuild({ jobUrl: `${root}/job/x`, parameterized: true, parameters: [['A', '1']] });
      assert.deepEqual(res, { queueId: 77, merged: false, status: 201 });
      assert.equal(seen.at(-1)?.cookie, 'JSESSIONID.9=s9');
      assert.ok(seen.at(-1)?.auth?.startsWith('Basic '));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('the insecure transport also reports timeouts and refused connections the same way', async () => {
    const hanging = await startServer(() => {});
    try {
      const client = new JenkinsClient({ root: hanging.url, auth, trustAllCertificates: true, postTimeoutMs: 300 });
      const e = await rejection(client.stopBuild(`${hanging.url}/job/x/1/`));
      assert.ok(e instanceof JenkinsError);
      assert.deepEqual([e.kind, e.requestSent], ['timeout', 'unknown']);
    } finally {
      await hanging.close();
    }
    const client = new JenkinsClient({ root: hanging.url, auth, trustAllCertificates: true });
    const e = await rejection(client.stopBuild(`${hanging.url}/job/x/1/`));
    assert.ok(e instanceof JenkinsError);
    assert.deepEqual([e.kind, e.requestSent], ['network', 'no']);
  });
});
