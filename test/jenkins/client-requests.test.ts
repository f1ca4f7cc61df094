// GET/POST behaviour of the client against small local servers: URLs, parsing, errors, origins.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { JenkinsClient, MemoryTtlCache, type JobInfo } from '../../src/jenkins/index.js';
import { fixture } from './helpers/fixtures.js';
import { sendJson, startServer, rejection, type TestServer } from './helpers/server.js';

const auth = { kind: 'basic', user: 'ci', secret: 'api-token', apiToken: true } as const;


describe('JenkinsClient GETs', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const serve = async (...args: Parameters<typeof startServer>): Promise<TestServer> => {
    const s = await startServer(...args);
    servers.push(s);
    return s;
  };

  it('getJobInfo: encoded tree, JSON parsed, URL re-based, cached per identity', async () => {
    const server = await serve((req, res) => sendJson(res, fixture('job-parameterized.json')));
    const cache = new MemoryTtlCache<JobInfo>(60_000);
    const client = new JenkinsClient({ root: server.url, auth, jobInfoCache: cache });
    const info = await client.getJobInfo(`${server.url}/job/demo/`);
    assert.equal(info.parameterized, true);
    assert.equal(info.url, `${server.url}/job/demo/`);
    const url = new URL(server.requests[0]?.url ?? '', server.url);
    assert.equal(url.pathname, '/job/demo/api/json');
    assert.ok(!url.search.includes('[') && !url.search.includes(','), 'tree is URL-encoded');
    const tree = url.searchParams.get('tree') ?? '';
    assert.ok(tree.includes('property[parameterDefinitions[name,type,defaultParameterValue[value],choices]]'));
    assert.ok(tree.includes('actions[parameterDefinitions['));
    assert.ok(tree.endsWith('name,fullName,displayName,fullDisplayName,url,buildable'));
    assert.equal(server.requests[0]?.headers.accept, 'application/json');
    await client.getJobInfo(`${server.url}/job/demo`);
    assert.equal(server.requests.length, 1, 'second call served from the cache');
    assert.ok(cache.get(`${server.url}/job/demo|ci`));
  });

  it('HTML instead of JSON (login page with 200) -> protocol error, retryable for GET', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html;charset=UTF-8' }).end('<html><body>Sign in</body></html>');
    });
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.getJobInfo(`${server.url}/job/demo`));
    assert.deepEqual([e.kind, e.retryable, e.status], ['protocol', true, 200]);
    assert.ok(e.message.includes('HTML instead of JSON (a login or proxy page?)'));
  });

  it('JSON of the wrong shape -> protocol error naming the field', async () => {
    const server = await serve((req, res) => sendJson(res, { id: 'seven' }));
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.getQueueItem(7));
    assert.equal(e.kind, 'protocol');
    assert.equal(e.retryable, false);
    assert.ok(e.message.includes('id:'), e.message);
  });

  it('getQueueItem: URL from the root; 404 -> http error 404', async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      if (calls++ === 0) return sendJson(res, fixture('queue-left-executable.json'));
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><head><title>Error 404 Not Found</title></head></html>');
    });
    const client = new JenkinsClient({ root: `${server.url}//`, auth });
    const view = await client.getQueueItem(143);
    assert.deepEqual(view.executable, { number: 14, url: `${server.url}/job/demo/14/` });
    const url = new URL(server.requests[0]?.url ?? '', server.url);
    assert.equal(url.pathname, '/queue/item/143/api/json');
    assert.equal(url.searchParams.get('tree'), 'id,why,stuck,blocked,buildable,pending,cancelled,executable[number,url],timestamp');
    const e = await rejection(client.getQueueItem(143));
    assert.deepEqual([e.kind, e.status, e.retryable], ['http', 404, false]);
    assert.ok(e.message.includes('Server returned 404'));
  });

  it('getBuild: never produces //, with or without a trailing slash', async () => {
    const server = await serve((req, res) => sendJson(res, fixture('build-running.json')));
    const client = new JenkinsClient({ root: server.url, auth });
    await client.getBuild(`${server.url}/job/demo/14/`);
    await client.getBuild(`${server.url}/job/demo/14`);
    for (const r of server.requests) {
      assert.ok(r.url.startsWith('/job/demo/14/api/json?tree='), r.url);
      assert.equal(new URL(r.url, server.url).searchParams.get('tree'), 'number,url,building,inProgress,result,duration,queueId,timestamp,estimatedDuration');
    }
  });

  it('listQueue and findBuildByQueueId', async () => {
    const server = await serve((req, res) => {
      if (req.url.startsWith('/queue/')) {
        return sendJson(res, {
          items: [
            { id: 5, inQueueSince: 10, why: 'In the quiet period.', params: '\nA=1', task: { url: 'http://internal/job/demo/' }, actions: [{ parameters: [{ name: 'A', value: '1' }, { name: 'B', value: true }] }, {}] },
            { id: 6, inQueueSince: 11, why: null, params: '\nX=y', task: {}, actions: [{}] },
          ],
        });
      }
      sendJson(res, {
        builds: [
          { number: 15, url: 'http://internal/job/demo/15/', queueId: 150, timestamp: 2, building: true, result: null, actions: [{ parameters: [{ name: 'A', value: '2' }] }] },
          { number: 14, url: 'http://internal/job/demo/14/', queueId: 143, timestamp: 1, building: false, result: 'SUCCESS', actions: [] },
        ],
      });
    });
    const client = new JenkinsClient({ root: server.url, auth });
    assert.deepEqual(await client.listQueue(), [
      { id: 5, jobUrl: `${server.url}/job/demo/`, params: { A: '1', B: 'true' }, inQueueSince: 10, why: 'In the quiet period.' },
      { id: 6, jobUrl: null, params: { X: 'y' }, inQueueSince: 11, why: null },
    ]);
    const found = await client.findBuildByQueueId(`${server.url}/job/demo/`, 143);
    assert.deepEqual(found, { number: 14, url: `${server.url}/job/demo/14/`, queueId: 143, timestamp: 1, building: false, result: 'SUCCESS', parameters: {} });
    assert.equal(await client.findBuildByQueueId(`${server.url}/job/demo/`, 999), null);
    const tree = new URL(server.requests[1]?.url ?? '', server.url).searchParams.get('tree');
    assert.equal(tree, 'builds[number,url,queueId,timestamp,building,result,actions[parameters[name,value]]]{0,100}');
  });

  it('getConsoleChunk: text that looks like JSON is kept exactly, headers drive the cursor', async () => {
    const chunks = ['{"stage": "build", "ok": true}\n', '  trailing spaces and ünïcødé ✓  \n'];
    let n = 0;
    const server = await serve((req, res) => {
      const more = n === 0;
      res.writeHead(200, {
        'Content-Type': 'text/plain;charset=UTF-8',
        'X-Text-Size': String(1834 + n * 100),
        ...(more ? { 'X-More-Data': 'true' } : {}),
      });
      res.end(chunks[n++]);
    });
    const client = new JenkinsClient({ root: server.url, auth });
    const first = await client.getConsoleChunk(`${server.url}/job/demo/14/`, '0');
    assert.deepEqual({ ...first, bytes: undefined }, { bytes: undefined, nextStart: '1834', moreData: true });
    assert.equal(Buffer.from(first.bytes).toString('utf8'), chunks[0]); // the raw bytes, for the console store
    const second = await client.getConsoleChunk(`${server.url}/job/demo/14`, '1834');
    assert.deepEqual({ ...second, bytes: undefined }, { bytes: undefined, nextStart: '1934', moreData: false });
    assert.equal(Buffer.from(second.bytes).toString('utf8'), chunks[1]);
    assert.deepEqual(server.requests.map((r) => r.url), ['/job/demo/14/logText/progressiveText?start=0', '/job/demo/14/logText/progressiveText?start=1834']);
    assert.equal(server.requests[0]?.headers.accept, 'text/plain');
  });

  it('403 with permission headers: message names the missing permission', async () => {
    const server = await serve((req, res) => {
      res.writeHead(403, { 'Content-Type': 'text/html', 'X-You-Are-Authenticated-As': 'ci', 'X-Required-Permission': 'hudson.model.Item.Read' }).end('<html>denied</html>');
    });
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.getBuild(`${server.url}/job/demo/1/`));
    assert.ok(e.message.includes('User does not have enough permissions'));
    assert.ok(e.message.includes('Missing permission hudson.model.Item.Read (authenticated as ci)'));
  });
});

describe('JenkinsClient POSTs: stop and cancel', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('stopBuild accepts 302 and posts to <build>/stop', async () => {
    server = await startServer((req, res) => void res.writeHead(302, { Location: '/job/demo/14/' }).end());
    const client = new JenkinsClient({ root: server.url, auth });
    await client.stopBuild(`${server.url}/job/demo/14/`);
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url}`), ['POST /job/demo/14/stop']);
  });

  it('cancelQueueItem maps 204/302/404/500/422', async () => {
    const statuses = [204, 302, 404, 500, 422];
    let i = 0;
    server = await startServer((req, res) => void res.writeHead(statuses[i++] ?? 400).end());
    const client = new JenkinsClient({ root: server.url, auth });
    const outcomes = [];
    for (let k = 0; k < statuses.length; k++) outcomes.push(await client.cancelQueueItem(145));
    assert.deepEqual(outcomes, ['cancelled', 'cancelled', 'not-found', 'already-left', 'not-cancellable']);
    assert.equal(server.requests[0]?.url, '/queue/cancelItem?id=145');
    const e = await rejection(client.cancelQueueItem(145));
    assert.equal(e.status, 400);
  });
});

describe('credentials stay on the root origin', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('artifact redirect to another origin: followed, without Authorization or Cookie', async () => {
    const other = await startServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('artifact body');
    });
    const root = await startServer((req, res) => {
      if (req.url === '/crumbIssuer/api/json') {
        return sendJson(res, { crumb: 'c', crumbRequestField: 'Jenkins-Crumb' }, 200, { 'Set-Cookie': 'JSESSIONID.1=abc; Path=/' });
      }
      if (req.method === 'POST') return void res.writeHead(302, { Location: '/' }).end();
      res.writeHead(302, { Location: `${other.url}/static/xyz/report%20final.txt` }).end();
    });
    servers.push(other, root);
    const client = new JenkinsClient({ root: root.url, auth: { kind: 'basic', user: 'u', secret: 'pw', apiToken: false } });
    await client.stopBuild(`${root.url}/job/demo/14/`); // leaves a session cookie in the jar
    const artifact = await client.getArtifact(`${root.url}/job/demo/14/`, 'out/report final.txt');
    assert.deepEqual(artifact, { body: 'artifact body', contentType: 'text/plain' });
    const rootGet = root.requests.find((r) => r.url.startsWith('/job/demo/14/artifact/'));
    assert.equal(rootGet?.url, '/job/demo/14/artifact/out/report%20final.txt');
    assert.ok(rootGet?.headers.authorization?.startsWith('Basic '));
    assert.equal(rootGet?.headers.cookie, 'JSESSIONID.1=abc');
    assert.equal(other.requests[0]?.url, '/static/xyz/report%20final.txt');
    assert.equal(other.requests[0]?.headers.authorization, undefined);
    assert.equal(other.requests[0]?.headers.cookie, undefined);
  });

  it('a build URL on another origin gets no credentials either', async () => {
    const other = await startServer((req, res) => sendJson(res, fixture('build-success.json')));
    servers.push(other);
    const client = new JenkinsClient({ root: 'http://127.0.0.1:1', auth: { kind: 'bearer', token: 't0k' } });
    await client.getBuild(`${other.url}/job/demo/14/`);
    assert.equal(other.requests[0]?.headers.authorization, undefined);
  });

  it('bearer identity is a hash prefix, never the token', () => {
    const client = new JenkinsClient({ root: 'http://h', auth: { kind: 'bearer', token: 'super-secret' } });
    assert.match(client.identity, /^bearer:[0-9a-f]{12}$/);
    assert.equal(new JenkinsClient({ root: 'http://h', auth: { kind: 'none' } }).identity, 'anonymous');
    assert.equal(new JenkinsClient({ root: 'http://h', auth }).identity, 'ci');
  });

  it('artifact paths with .. are refused before any request', async () => {
    const client = new JenkinsClient({ root: 'http://127.0.0.1:1', auth });
    const e = await rejection(client.getArtifact('http://127.0.0.1:1/job/x/1/', '../secret'));
    assert.equal(e.kind, 'usage');
  });
});
