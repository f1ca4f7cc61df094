import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyError,
  extractJenkinsMessage,
  JenkinsError,
  JenkinsHttpError,
  JenkinsProtocolError,
  JenkinsUsageError,
} from '../../src/jenkins/index.js';

const URL_WITH_TOKEN = 'http://h/job/demo/buildWithParameters?token=s3cret&delay=0';

describe('JenkinsHttpError: status table', () => {
  const table: Array<{ status: number; jm?: string; retryable: boolean; includes: string[] }> = [
    { status: 400, jm: 'Nothing is submitted', retryable: false, includes: ['HTTP 400 Bad Request – Nothing is submitted'] },
    { status: 401, retryable: false, includes: ['HTTP 401 Unauthorized', 'Server returned 401 - Unauthorized. Most likely there is something wrong with the provided credentials'] },
    { status: 403, retryable: false, includes: ['Server returned 403 - Forbidden. User does not have enough permissions for this request'] },
    { status: 403, jm: 'No valid crumb was included in the request', retryable: false, includes: ['No valid crumb was included in the request', 'CSRF crumb'] },
    { status: 404, retryable: false, includes: ['HTTP 404 Not Found', 'Server returned 404 - URL not found for this request'] },
    { status: 405, retryable: false, includes: ['HTTP 405 Method Not Allowed'] },
    { status: 409, jm: 'demo is not buildable', retryable: false, includes: ['– demo is not buildable', 'disabled'] },
    { status: 422, retryable: false, includes: ['HTTP 422'] },
    { status: 429, retryable: true, includes: ['HTTP 429 Too Many Requests'] },
    { status: 500, retryable: true, includes: ['HTTP 500 Internal Server Error'] },
    { status: 502, retryable: true, includes: ['HTTP 502 Bad Gateway'] },
    { status: 503, jm: 'Jenkins is restarting', retryable: true, includes: ['HTTP 503 Service Unavailable – Jenkins is restarting'] },
  ];
  for (const row of table) {
    it(`${row.status}${row.jm ? ` (${row.jm})` : ''} -> retryable ${row.retryable}`, () => {
      const e = new JenkinsHttpError({ method: 'POST', url: URL_WITH_TOKEN, status: row.status, ...(row.jm ? { jenkinsMessage: row.jm } : {}) });
      assert.ok(e instanceof JenkinsError);
      assert.equal(e.kind, 'http');
      assert.equal(e.status, row.status);
      assert.equal(e.retryable, row.retryable);
      assert.equal(e.requestSent, 'yes');
      assert.ok(e.message.startsWith('POST http://h/job/demo/buildWithParameters?token=***&delay=0 failed: '), e.message);
      for (const text of row.includes) assert.ok(e.message.includes(text), `${e.message} should include ${text}`);
      assert.ok(!e.message.includes('s3cret'));
      assert.ok(!/max.*retries/i.test(e.message));
    });
  }
  it('toJSON gives plain data with the redacted URL', () => {
    const e = new JenkinsHttpError({ method: 'GET', url: URL_WITH_TOKEN, status: 404 });
    const json = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    assert.deepEqual(
      { kind: json.kind, method: json.method, url: json.url, status: json.status, retryable: json.retryable, requestSent: json.requestSent },
      { kind: 'http', method: 'GET', url: 'http://h/job/demo/buildWithParameters?token=***&delay=0', status: 404, retryable: false, requestSent: 'yes' },
    );
    assert.equal(json.message, e.message);
  });
});

describe('classifyError', () => {
  const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });
  const fetchFailed = (cause: unknown): Error => new TypeError('fetch failed', { cause });
  // ofetch wraps fetch errors in a FetchError whose cause is the original.
  const ofetchWrapped = (cause: unknown): Error => Object.assign(new Error('[POST] "http://h": <no response> fetch failed', { cause }), { name: 'FetchError' });

  it('connection refused: network, not sent, retryable (even for POST)', () => {
    const e = classifyError(ofetchWrapped(fetchFailed(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'))), 'POST', URL_WITH_TOKEN);
    assert.deepEqual([e.kind, e.requestSent, e.retryable], ['network', 'no', true]);
    assert.ok(e.message.includes('ECONNREFUSED'));
    assert.ok(!e.message.includes('s3cret'));
  });
  it('DNS failure and unreachable host count as not sent', () => {
    for (const code of ['ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']) {
      const e = classifyError(fetchFailed(withCode(code)), 'POST', 'http://h/x');
      assert.deepEqual([e.kind, e.requestSent], ['network', 'no'], code);
    }
  });
  it('timeout (AbortSignal.timeout): unknown whether sent; retryable on GET only', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const post = classifyError(ofetchWrapped(timeout), 'POST', 'http://h/x');
    assert.deepEqual([post.kind, post.requestSent, post.retryable], ['timeout', 'unknown', false]);
    const get = classifyError(timeout, 'GET', 'http://h/x');
    assert.deepEqual([get.kind, get.requestSent, get.retryable], ['timeout', 'unknown', true]);
  });
  it('reset after connect: network, unknown; a POST is not retryable', () => {
    const post = classifyError(fetchFailed(withCode('ECONNRESET', 'socket hang up')), 'POST', 'http://h/x');
    assert.deepEqual([post.kind, post.requestSent, post.retryable], ['network', 'unknown', false]);
    assert.ok(post.message.includes('socket hang up'));
    const get = classifyError(fetchFailed(withCode('UND_ERR_SOCKET', 'other side closed')), 'GET', 'http://h/x');
    assert.deepEqual([get.kind, get.requestSent, get.retryable], ['network', 'unknown', true]);
  });
  it('certificate problems: tls, not sent, not retryable, with the hint', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const e = classifyError(fetchFailed(withCode(code)), 'GET', 'https://h/x');
      assert.deepEqual([e.kind, e.requestSent, e.retryable], ['tls', 'no', false], code);
      assert.ok(e.message.includes('trustAllCertificates'));
    }
  });
  it('passes JenkinsErrors through unchanged', () => {
    const original = new JenkinsUsageError('bad');
    assert.equal(classifyError(original, 'GET', 'http://h'), original);
  });
  it('protocol errors default to not retryable', () => {
    const e = new JenkinsProtocolError('odd', { method: 'GET', url: 'http://h' });
    assert.deepEqual([e.kind, e.retryable, e.requestSent], ['protocol', false, 'yes']);
  });
});

describe('extractJenkinsMessage', () => {
  it('Jetty 9.4 page: the title message', () => {
    const html = '<html><head><title>Error 403 No valid crumb was included in the request</title></head><body><table><tr><th>MESSAGE:</th><td>No valid crumb was included in the request</td></tr></table></body></html>';
    assert.equal(extractJenkinsMessage(html, 'text/html;charset=iso-8859-1'), 'No valid crumb was included in the request');
  });
  it('Jetty 9.4 table without a usable title', () => {
    const html = '<html><head><title>Jenkins</title></head><body><table><tr><th>MESSAGE:</th><td>demo is not buildable</td></tr></table></body></html>';
    assert.equal(extractJenkinsMessage(html, 'text/html'), 'demo is not buildable');
  });
  it('Jetty 9.3 Reason <pre>', () => {
    const html = '<html><body><h2>HTTP ERROR 400</h2><p>Problem accessing /job/x/build. Reason:\n<pre>    Nothing is submitted</pre></p></body></html>';
    assert.equal(extractJenkinsMessage(html, 'text/html'), 'Nothing is submitted');
  });
  it('Oops page keeps the logging id', () => {
    const html = '<!DOCTYPE html><html><body><h1>Oops!</h1><p>A problem occurred while processing the request.</p><p>Logging ID=4f3a-11</p></body></html>';
    assert.equal(extractJenkinsMessage(html, 'text/html'), 'Oops! A problem occurred while processing the request. Logging ID=4f3a-11');
  });
  it('restart page, login redirect page and the 2.421+ 404 page', () => {
    assert.equal(extractJenkinsMessage('<html><body><h1>Please wait while Jenkins is restarting...</h1></body></html>', 'text/html'), 'Jenkins is restarting');
    assert.equal(
      extractJenkinsMessage("<html><head><meta http-equiv='refresh' content='1;url=/login?from=%2F'/></head><body>Authentication required\n<!-- hudson.model.Hudson.Read -->\n</body></html>", 'text/html'),
      'Authentication required',
    );
    assert.equal(
      extractJenkinsMessage('<html><body><h1>Oops!</h1><h2>Not Found</h2><p>This page may not exist, or you may not have permission to see it.</p></body></html>', 'text/html'),
      'This page may not exist, or you may not have permission to see it.',
    );
  });
  it('plain text: the first line; long text clipped at 300', () => {
    assert.equal(extractJenkinsMessage('Provided id (999) not found\nmore', 'text/plain'), 'Provided id (999) not found');
    const long = extractJenkinsMessage('x'.repeat(1000), null) ?? '';
    assert.equal(long.length, 300);
  });
  it('nothing for an empty body or an unknown page', () => {
    assert.equal(extractJenkinsMessage('', 'text/html'), undefined);
    assert.equal(extractJenkinsMessage('<html><body><div>random</div></body></html>', 'text/html'), undefined);
  });
});
