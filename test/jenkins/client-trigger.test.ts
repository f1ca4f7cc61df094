// The trigger POST: answers 201/303/302, no redirect following, body order and encoding.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { JenkinsClient, JenkinsProtocolError } from '../../src/jenkins/index.js';
import { startServer, rejection, type TestServer } from './helpers/server.js';

const auth = { kind: 'basic', user: 'ci', secret: 'api-token', apiToken: true } as const;

async function answer(status: number, headers: Record<string, string>): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.method === 'POST') return void res.writeHead(status, headers).end();
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Queue item exists.');
  });
}


describe('triggerBuild answers', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('201 + Location -> queue id, not merged', async () => {
    server = await answer(201, { Location: 'http://10.1.2.3:8080/jenkins/queue/item/143/' });
    const client = new JenkinsClient({ root: server.url, auth });
    assert.deepEqual(await client.triggerBuild({ jobUrl: `${server.url}/job/demo/`, parameterized: false, parameters: [] }), {
      queueId: 143,
      merged: false,
      status: 201,
    });
    assert.equal(server.requests[0]?.url, '/job/demo/build?delay=0');
  });

  it('303 -> merged, and the redirect is not followed', async () => {
    server = await answer(303, { Location: `http://127.0.0.1:1/queue/item/150/` });
    const client = new JenkinsClient({ root: server.url, auth });
    const res = await client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: true, parameters: [['A', '1']] });
    assert.deepEqual(res, { queueId: 150, merged: true, status: 303 });
    assert.equal(server.requests.length, 1);
  });

  it('reads a lower-case location header', async () => {
    server = await startServer((req, res) => {
      // writeHead with an array of raw pairs keeps the name's case on the wire.
      res.writeHead(201, ['location', '/queue/item/9/']).end();
    });
    const client = new JenkinsClient({ root: server.url, auth });
    assert.equal((await client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: false, parameters: [] })).queueId, 9);
  });

  it('302 to the job page -> protocol error, request sent, not followed', async () => {
    server = await answer(302, { Location: `http://jenkins.internal/job/demo/` });
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: true, parameters: [], token: 'job-secret' }));
    assert.ok(e instanceof JenkinsProtocolError);
    assert.deepEqual([e.kind, e.status, e.requestSent, e.retryable], ['protocol', 302, 'yes', false]);
    assert.ok(e.message.includes('Jenkins did not queue the build (HTTP 302 to http://jenkins.internal/job/demo/)'), e.message);
    assert.ok(!e.message.includes('job-secret') && e.url.includes('token=***'));
    assert.equal(server.requests.length, 1);
  });

  it('201 whose Location is the job URL (/build with json=) -> protocol error', async () => {
    server = await answer(201, { Location: `http://jenkins.example:8080/job/demo/` });
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: false, parameters: [] }));
    assert.ok(e.message.includes('Jenkins did not queue the build (HTTP 201 to http://jenkins.example:8080/job/demo/)'));
  });

  it('201 without Location -> protocol error', async () => {
    server = await answer(201, {});
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: false, parameters: [] }));
    assert.ok(e.message.includes('Jenkins did not queue the build (HTTP 201, no Location header)'));
  });

  it('409 disabled job -> http error with Jenkins message, not retryable, sent once', async () => {
    server = await startServer((req, res) => {
      res.writeHead(409, { 'Content-Type': 'text/html' }).end('<html><head><title>Error 409 demo is not buildable</title></head></html>');
    });
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: false, parameters: [] }));
    assert.deepEqual([e.kind, e.status, e.jenkinsMessage, e.retryable, e.requestSent], ['http', 409, 'demo is not buildable', false, 'yes']);
    assert.equal(server.requests.length, 1);
  });

  it('500 is never re-sent by the client', async () => {
    server = await startServer((req, res) => void res.writeHead(500).end());
    const client = new JenkinsClient({ root: server.url, auth });
    const e = await rejection(client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: false, parameters: [] }));
    assert.deepEqual([e.status, e.retryable, e.requestSent], [500, true, 'yes']);
    assert.equal(server.requests.length, 1);
  });
});

describe('triggerBuild body', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('form body in the given order; 5 KB values, "=" "&" "+", unicode and newlines survive', async () => {
    server = await answer(201, { Location: '/queue/item/1/' });
    const big = 'é€𝄞x='.repeat(1024); // well over 5 KB once encoded
    const parameters: Array<[string, string]> = [
      ['ZED', 'last-name-first'],
      ['EQ', 'a=b=c'],
      ['AMP', 'x&y+z w'],
      ['BIG', big],
      ['MULTI', 'line1\nline2'],
      ['EMPTY', ''],
    ];
    const client = new JenkinsClient({ root: server.url, auth });
    await client.triggerBuild({ jobUrl: `${server.url}/job/demo`, parameterized: true, parameters, token: 'tok en' });
    const req = server.requests[0];
    assert.equal(req?.url, '/job/demo/buildWithParameters?token=tok+en&delay=0');
    assert.equal(req?.headers['content-type'], 'application/x-www-form-urlencoded');
    const body = req?.body.toString('utf8') ?? '';
    assert.ok(body.startsWith('ZED=last-name-first&EQ=a%3Db%3Dc&AMP=x%26y%2Bz+w&BIG='), body.slice(0, 80));
    assert.deepEqual([...new URLSearchParams(body)], parameters);
    assert.ok(body.length > 5 * 1024);
  });

  it('multipart/form-data when files are given', async () => {
    server = await answer(201, { Location: '/queue/item/2/' });
    const client = new JenkinsClient({ root: server.url, auth });
    await client.triggerBuild({
      jobUrl: `${server.url}/job/demo`,
      parameterized: true,
      parameters: [['BRANCH', 'main']],
      files: [{ name: 'INPUT', fileName: 'input.txt', content: 'hello=world\n' }],
    });
    const req = server.requests[0];
    const contentType = String(req?.headers['content-type']);
    assert.match(contentType, /^multipart\/form-data; boundary=/);
    // Parse it back with the platform's own multipart parser.
    const form = await new Response(req?.body, { headers: { 'content-type': contentType } }).formData();
    assert.equal(form.get('BRANCH'), 'main');
    const file = form.get('INPUT');
    assert.ok(file instanceof File);
    assert.equal(file.name, 'input.txt');
    assert.equal(await file.text(), 'hello=world\n');
  });
});
