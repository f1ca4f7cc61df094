// CSRF crumb + session cookie flows against a small local server that enforces them as Jenkins does.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { JenkinsClient, JenkinsError, MemoryTtlCache, type CrumbEntry } from '../../src/jenkins/index.js';
import { basic, sendJettyError, sendJson, startServer, type TestServer } from './helpers/server.js';

const COOKIE = 'JSESSIONID.1a2b3c4d';

/** Issues crumb-1, crumb-2, ... each bound to its own session; a POST needs a matching pair. */
async function csrfServer(opts: { alwaysReject?: boolean } = {}): Promise<TestServer> {
  let issued = 0;
  const sessions = new Map<string, string>(); // session id -> crumb
  return startServer((req, res) => {
    if (req.method === 'GET' && req.url === '/crumbIssuer/api/json') {
      issued++;
      sessions.set(`s${issued}`, `crumb-${issued}`);
      return sendJson(
        res,
        { _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb: `crumb-${issued}`, crumbRequestField: 'Jenkins-Crumb' },
        200,
        { 'Set-Cookie': `${COOKIE}=s${issued}; Path=/; HttpOnly` },
      );
    }
    if (req.method === 'POST') {
      const session = /JSESSIONID\.1a2b3c4d=(\w+)/.exec(String(req.headers.cookie ?? ''))?.[1];
      const crumb = req.headers['jenkins-crumb'];
      if (opts.alwaysReject || !session || sessions.get(session) !== crumb) {
        return sendJettyError(res, 403, 'No valid crumb was included in the request');
      }
      res.writeHead(201, { Location: 'http://jenkins.internal:8080/queue/item/143/' });
      return res.end();
    }
    res.writeHead(404).end();
  });
}

const trigger = { jobUrl: '', parameterized: true, parameters: [['BRANCH', 'main']] as Array<[string, string]> };

describe('crumb and session cookie', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('password auth: fetches a crumb, keeps the session cookie, sends both with the POST', async () => {
    server = await csrfServer();
    const log: string[] = [];
    const client = new JenkinsClient({ root: server.url + '/', auth: { kind: 'basic', user: 'bob', secret: 'pa$$word', apiToken: false }, log: (l) => log.push(l) });
    const res = await client.triggerBuild({ ...trigger, jobUrl: `${server.url}/job/demo` });
    assert.deepEqual(res, { queueId: 143, merged: false, status: 201 });
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url}`), ['GET /crumbIssuer/api/json', 'POST /job/demo/buildWithParameters?delay=0']);
    const [crumbReq, post] = server.requests;
    // Basic auth is sent pre-emptively and literally ($ is not expanded).
    assert.equal(crumbReq?.headers.authorization, basic('bob', 'pa$$word'));
    assert.equal(post?.headers.authorization, basic('bob', 'pa$$word'));
    assert.equal(post?.headers['jenkins-crumb'], 'crumb-1');
    assert.equal(post?.headers.cookie, `${COOKIE}=s1`);
    assert.deepEqual(log, ['CSRF protection is enabled on the remote server.']);
    assert.ok(!log.join('\n').includes('crumb-1'));
  });

  it('the server really rejects a POST that has the crumb but not the cookie', async () => {
    server = await csrfServer();
    await fetch(`${server.url}/crumbIssuer/api/json`);
    const res = await fetch(`${server.url}/job/demo/build`, { method: 'POST', headers: { 'Jenkins-Crumb': 'crumb-1' } });
    assert.equal(res.status, 403);
  });

  it('API-token auth: no crumb request and no crumb header', async () => {
    server = await startServer((req, res) => {
      res.writeHead(201, { Location: `http://x/queue/item/7/` }).end();
    });
    const client = new JenkinsClient({ root: server.url, auth: { kind: 'basic', user: 'bob', secret: 'tok', apiToken: true } });
    const res = await client.triggerBuild({ ...trigger, jobUrl: `${server.url}/job/demo` });
    assert.equal(res.queueId, 7);
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url}`), ['POST /job/demo/buildWithParameters?delay=0']);
    assert.equal(server.requests[0]?.headers['jenkins-crumb'], undefined);
  });

  it('CSRF disabled (crumb issuer 404): POST without a crumb header, and the fact is cached', async () => {
    server = await startServer((req, res) => {
      if (req.method === 'GET') return void res.writeHead(404).end();
      res.writeHead(201, { Location: `http://x/queue/item/8/` }).end();
    });
    const cache = new MemoryTtlCache<CrumbEntry>(60_000);
    const log: string[] = [];
    const client = new JenkinsClient({ root: server.url, auth: { kind: 'none' }, crumbCache: cache, log: (l) => log.push(l) });
    await client.triggerBuild({ ...trigger, jobUrl: `${server.url}/job/demo` });
    assert.equal(server.requests[1]?.headers['jenkins-crumb'], undefined);
    assert.equal(server.requests[1]?.headers.authorization, undefined);
    assert.deepEqual(cache.get(`${server.url}|anonymous`), { disabled: true });
    assert.deepEqual(log, ['CSRF protection is disabled on the remote server.']);
  });

  it('403 No valid crumb with a stale cached crumb: drops it, fetches a fresh one, re-sends once', async () => {
    server = await csrfServer();
    const cache = new MemoryTtlCache<CrumbEntry>(60_000);
    const key = `${server.url}|bob`;
    cache.set(key, { field: 'Jenkins-Crumb', value: 'stale', cookie: `${COOKIE}=gone` });
    const log: string[] = [];
    const client = new JenkinsClient({ root: server.url, auth: { kind: 'basic', user: 'bob', secret: 'pw', apiToken: false }, crumbCache: cache, log: (l) => log.push(l) });
    const res = await client.triggerBuild({ ...trigger, jobUrl: `${server.url}/job/demo` });
    assert.equal(res.queueId, 143);
    assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'GET', 'POST']);
    assert.equal(server.requests[0]?.headers.cookie, `${COOKIE}=gone`);
    assert.equal(server.requests[2]?.headers.cookie, `${COOKIE}=s1`);
    assert.deepEqual(cache.get(key), { field: 'Jenkins-Crumb', value: 'crumb-1', cookie: `${COOKIE}=s1` });
    assert.equal(log[0], `reuse cached crumb: ${server.url}`);
    // The parameters are sent again identically.
    assert.equal(server.requests[2]?.body.toString(), server.requests[0]?.body.toString());
  });

  it('re-sends only once: a second 403 No valid crumb is reported', async () => {
    server = await csrfServer({ alwaysReject: true });
    const client = new JenkinsClient({ root: server.url, auth: { kind: 'bearer', token: 'bearer-secret' } });
    const err = await client.triggerBuild({ ...trigger, jobUrl: `${server.url}/job/demo` }).then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof JenkinsError);
    assert.equal(err.status, 403);
    assert.equal(err.jenkinsMessage, 'No valid crumb was included in the request');
    assert.equal(err.retryable, false);
    assert.ok(err.message.includes('No valid crumb'));
    assert.deepEqual(server.requests.map((r) => r.method), ['GET', 'POST', 'GET', 'POST']);
    assert.equal(server.requests[1]?.headers.authorization, 'Bearer bearer-secret');
    assert.ok(!err.message.includes('bearer-secret'));
  });

  it('API-token auth that Jenkins does not accept as a token: one re-send with a crumb', async () => {
    server = await csrfServer();
    const client = new JenkinsClient({ root: server.url, auth: { kind: 'basic', user: 'bob', secret: 'actually-a-password', apiToken: true } });
    const res = await client.triggerBuild({ ...trigger, jobUrl: `${server.url}/job/demo` });
    assert.equal(res.queueId, 143);
    assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'GET', 'POST']);
  });

  it('a failing crumb request is reported as "POST not sent"', async () => {
    server = await startServer((req, res) => sendJettyError(res, 503, 'Jenkins is restarting'));
    const client = new JenkinsClient({ root: server.url, auth: { kind: 'none' } });
    const err = await client.stopBuild(`${server.url}/job/demo/14/`).then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof JenkinsError);
    assert.deepEqual([err.kind, err.status, err.requestSent, err.retryable], ['http', 503, 'no', true]);
    assert.ok(err.message.startsWith('Could not get a CSRF crumb for POST'));
    assert.equal(server.requests.length, 1);
  });
});
