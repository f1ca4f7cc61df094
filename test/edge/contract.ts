import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { ConfigInput } from '../../src/options/config.js';
import { freePort } from '../../src/temporal/embedded-server.js';
import type { TriggerState } from '../../src/workflows/state.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import type { ApiProcess } from '../support/processes.js';

export const FULL_TOKEN = 'full-token-0123456789';
export const LIMITED_TOKEN = 'limited-token-0123456789';
export const HOST_TOKEN = 'host-token-0123456789';
const WEBHOOK_SECRET = 'webhook-secret-of-the-test';

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A webhook receiver: records every POST; answers 500 to the first delivery of ids listed in `failFirst`. */
async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; failFirst: Set<string>; close(): void }> {
  const deliveries: Delivery[] = [];
  const failFirst = new Set<string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      const id = String(req.headers['x-remote-trigger-id']);
      const status = failFirst.delete(id) ? 500 : 204;
      deliveries.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, deliveries, failFirst, close: () => server.close() };
}

export interface ContractContext {
  h: Harness;
  /** The dev server's HTTP API port. */
  httpPort: number;
  /** temporal.yaml of the API (and of the worker). */
  configPath: string;
  configYaml: string;
  /** Environment the API process needs besides its Temporal settings. */
  env: NodeJS.ProcessEnv;
}

/**
 * The API's contract, through HTTP only, against a real dev server, a shared worker and the
 * Jenkins emulator. `startApi` starts the server under test (the Deno entry, or `serve` on Node).
 */
export function apiContract(label: string, startApi: (ctx: ContractContext) => Promise<ApiProcess>): void {
  describe(`trigger API contract: ${label}`, () => {
    let h: Harness;
    let api: ApiProcess;
    let ctx: ContractContext;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;

    before(async () => {
      const httpPort = await freePort();
      receiver = await startReceiver();
      // The test's shared worker resolves the webhook secret from its environment.
      process.env.WEBHOOK_SECRET_OF_TEST = WEBHOOK_SECRET;
      let configInput: ConfigInput = {};
      h = await Harness.start({
        scenario: {
          jobs: [
            { name: 'edge', parameters: [{ name: 'P' }], concurrentBuild: true, build: { durationMs: 1500, artifacts: { 'build-results.json': '{"tests":42,"failed":0}' } } },
            { name: 'edge-long', concurrentBuild: true, build: { durationMs: 120_000 } },
            { name: 'other', concurrentBuild: true, build: { durationMs: 500 } },
          ],
        },
        devServerArgs: ['--http-port', String(httpPort)],
        searchAttributes: true,
        config: (url) => {
          configInput = {
            // ci-other is never reached: it exists so that a token can be limited to it.
            remoteHosts: [{ name: 'ci', url }, { name: 'ci-other', url: 'http://127.0.0.1:9' }],
            notifyOrigins: [receiver.url],
            secretEnvAllow: ['WEBHOOK_SECRET_OF_TEST'],
            api: { tokens: [{ env: 'LIMITED_API_TOKEN', jobs: ['edge*'] }, { file: 'HOST_TOKEN_FILE', remoteHosts: ['ci-other'] }] },
          };
          return configInput;
        },
      });
      // The host-limited token is read from a file (api.tokens[].file).
      const tokenFile = path.join(h.tmp, 'host-token');
      writeFileSync(tokenFile, `${HOST_TOKEN}\n`);
      const api0 = configInput.api as { tokens: Array<Record<string, unknown>> };
      api0.tokens[1]!.file = tokenFile;
      const configYaml = stringify(configInput);
      const configPath = path.join(h.tmp, 'api.yaml');
      writeFileSync(configPath, configYaml);
      ctx = { h, httpPort, configPath, configYaml, env: { REMOTE_TRIGGER_API_TOKENS: FULL_TOKEN, LIMITED_API_TOKEN: LIMITED_TOKEN, REMOTE_TRIGGER_TASK_QUEUE: h.taskQueue } };
      api = await startApi(ctx);
    });
    after(async () => {
      await api?.stop();
      await h?.teardown();
      receiver?.close();
    });

    const call = (method: string, p: string, o: { body?: unknown; token?: string | null; headers?: Record<string, string>; raw?: string } = {}) =>
      fetch(`${api.url}${p}`, {
        method,
        headers: {
          ...(o.token === null ? {} : { authorization: `Bearer ${o.token ?? FULL_TOKEN}` }),
          ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...o.headers,
        },
        body: o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined),
      });
    const bodyOf = async (r: Response) => (await r.json()) as Record<string, unknown> & { error?: { type: string; field?: string; message: string } };
    const opts = (extra: Record<string, unknown> = {}) => ({ job: 'edge', remoteJenkinsName: 'ci', pollInterval: 1, parameters: { P: 'api' }, ...extra });

    test('callers without a valid bearer token get 401, and nothing starts', async () => {
      for (const token of [null, 'wrong-token', `${FULL_TOKEN}x`, FULL_TOKEN.slice(0, -1)]) {
        const r = await call('POST', '/v1/triggers', { token, body: { id: 'no-token', options: opts() } });
        assert.equal(r.status, 401, `token ${token}`);
        assert.equal((await bodyOf(r)).error!.type, 'Unauthorized');
      }
      assert.equal((await call('GET', '/v1/triggers/no-token', { token: null })).status, 401);
      assert.equal((await call('GET', '/v1/triggers/no-token')).status, 404);
    });

    test('errors are JSON with a type: unknown route, wrong method, not JSON, body too large, unknown trigger', async () => {
      const cases: Array<[Response, number, string]> = [
        [await call('GET', '/v1/nothing'), 404, 'NotFound'],
        [await call('DELETE', '/v1/triggers'), 405, 'MethodNotAllowed'],
        [await call('GET', '/v1/triggers/x/abort'), 405, 'MethodNotAllowed'],
        [await call('POST', '/v1/triggers', { raw: 'job=edge', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UnsupportedMediaType'],
        [await call('POST', '/v1/triggers', { raw: JSON.stringify({ options: { job: 'x'.repeat(300 * 1024) } }), headers: { 'content-type': 'application/json' } }), 413, 'PayloadTooLarge'],
        [await call('POST', '/v1/triggers', { raw: '{"options":', headers: { 'content-type': 'application/json' } }), 400, 'InvalidJson'],
        [await call('GET', '/v1/triggers/never-started'), 404, 'NotFound'],
      ];
      for (const [r, status, type] of cases) {
        assert.equal(r.status, status, `${r.url} ${type}`);
        assert.match(r.headers.get('content-type') ?? '', /application\/json/);
        assert.equal((await bodyOf(r)).error!.type, type);
      }
    });

    test('invalid options: 400 naming the field; nothing started, no request to Jenkins', async () => {
      const rows: Array<[string, unknown, string]> = [
        ['no job', { remoteJenkinsName: 'ci' }, 'job'],
        ['pollInterval not a number', opts({ pollInterval: 'often' }), 'pollInterval'],
        ['literal job token', opts({ token: 's3cret-literal' }), 'token'],
        ['literal API token', opts({ auth: { type: 'TokenAuth', userName: 'u', apiToken: 's3cret-literal' } }), 'auth.apiToken'],
        ['unknown remote host', opts({ remoteJenkinsName: 'nope' }), 'remoteJenkinsName'],
        ['dot segment in the job', opts({ job: 'edge/../admin' }), 'job'],
        ['timeout too large', opts({ timeout: 10 ** 9 }), 'timeout'],
        ['parameterFile (a server file)', opts({ parameterFile: 'params.properties' }), 'parameterFile'],
        ['parameters as a file path', opts({ parameters: '/etc/passwd' }), 'parameters'],
        ['parameters.filePath', opts({ parameters: { filePath: '/etc/passwd' } }), 'parameters.filePath'],
        ['loadParamsFromFile', opts({ parameters: 'P=1', loadParamsFromFile: true }), 'loadParamsFromFile'],
        ['fileParameters as a path', opts({ fileParameters: { F: '/etc/passwd' } }), 'fileParameters.F'],
        ['fileParameters not base64', opts({ fileParameters: { F: { contentBase64: 'not base64!' } } }), 'fileParameters.F.contentBase64'],
        ['duplicate text parameter', opts({ parameters: 'P=1\nP=2' }), 'parameters'],
        ['notify with a literal secret', opts({ notify: { url: 'http://127.0.0.1:1/hook', secret: 's3cret-literal' } }), 'notify'],
        ['notify URL not http(s)', opts({ notify: [{ url: 'file:///etc/passwd', secret: { env: 'WEBHOOK_SECRET_OF_TEST' } }] }), 'notify[0].url'],
      ];
      const before = h.emulator.requests().length;
      for (const [i, [name, options, field]] of rows.entries()) {
        const id = `invalid-${i}`;
        const r = await call('POST', '/v1/triggers', { body: { id, options } });
        const b = await bodyOf(r);
        assert.equal(r.status, 400, `${name}: ${JSON.stringify(b)}`);
        assert.equal(b.error!.type, 'InvalidOptions', name);
        assert.equal(b.error!.field, field, `${name}: ${b.error!.message}`);
        assert.doesNotMatch(JSON.stringify(b), /s3cret-literal/, `${name}: the secret is echoed`);
        assert.equal((await call('GET', `/v1/triggers/${id}`)).status, 404, `${name}: started`);
      }
      const badId = await call('POST', '/v1/triggers', { body: { id: 'a/b', options: opts() } });
      assert.equal(badId.status, 400);
      assert.equal((await bodyOf(badId)).error!.field, 'id');
      assert.equal(h.emulator.requests().length, before, 'a request reached Jenkins');
    });

    test('a foreign origin gets 403 (full job URL, remoteJenkinsUrl), and nothing starts', async () => {
      const rows: Array<[Record<string, unknown>, string]> = [
        [{ job: 'http://127.0.0.1:1/job/edge' }, 'job'],
        [{ job: 'edge', remoteJenkinsUrl: 'http://169.254.169.254' }, 'remoteJenkinsUrl'],
        [{ job: 'edge', remoteJenkinsName: 'ci', remoteJenkinsUrl: 'http://internal.example:8080' }, 'remoteJenkinsUrl'],
        [{ job: 'edge', remoteJenkinsName: 'ci', notify: { url: 'http://169.254.169.254/hook', secret: { env: 'WEBHOOK_SECRET_OF_TEST' } } }, 'notify[0].url'],
      ];
      for (const [i, [options, field]] of rows.entries()) {
        const r = await call('POST', '/v1/triggers', { body: { id: `foreign-${i}`, options } });
        const b = await bodyOf(r);
        assert.equal(r.status, 403, JSON.stringify(b));
        assert.equal(b.error!.type, 'OriginNotAllowed');
        assert.equal(b.error!.field, field);
        assert.equal((await call('GET', `/v1/triggers/foreign-${i}`)).status, 404);
      }
    });

    test('a token limited to some jobs gets 403 for others, and can trigger and read its own', async () => {
      const r = await call('POST', '/v1/triggers', { token: LIMITED_TOKEN, body: { id: 'limited-other', options: opts({ job: 'other', parameters: undefined }) } });
      assert.equal(r.status, 403, JSON.stringify(await r.clone().json()));
      assert.equal((await call('GET', '/v1/triggers/limited-other')).status, 404);
      const ok = await call('POST', '/v1/triggers', { token: LIMITED_TOKEN, body: { id: 'limited-edge', options: opts() } });
      assert.equal(ok.status, 201);
      assert.equal((await call('GET', '/v1/triggers/limited-edge', { token: LIMITED_TOKEN })).status, 200);
      const other = await call('POST', '/v1/triggers', { body: { id: 'full-other', options: opts({ job: 'other', parameters: undefined }) } });
      assert.equal(other.status, 201);
      assert.equal((await call('GET', '/v1/triggers/full-other', { token: LIMITED_TOKEN })).status, 403);
      const listed = (await bodyOf(await call('GET', '/v1/triggers?limit=100', { token: LIMITED_TOKEN }))).triggers as Array<{ id: string }>;
      assert.ok(!listed.some((t) => t.id === 'full-other'), 'the limited token lists a trigger it does not cover');
      // A token limited to another remote host (read from a file): 403 for ci, for starting and reading.
      const host = await call('POST', '/v1/triggers', { token: HOST_TOKEN, body: { id: 'host-limited', options: opts() } });
      assert.equal(host.status, 403);
      assert.equal((await call('GET', '/v1/triggers/limited-edge', { token: HOST_TOKEN })).status, 403);
      assert.equal((await call('POST', '/v1/triggers/limited-edge/abort', { token: HOST_TOKEN })).status, 403);
      assert.equal((await call('GET', '/v1/triggers/host-limited')).status, 404);
    });

    test('start (201), the same id again attaches (200), follow to SUCCESS, read an artifact, list', async () => {
      const first = await call('POST', '/v1/triggers', { body: { id: 'api-1', options: opts() } });
      const b1 = await bodyOf(first);
      assert.equal(first.status, 201, JSON.stringify(b1));
      assert.equal(b1.id, 'api-1');
      const second = await call('POST', '/v1/triggers', { body: { id: 'api-1', options: opts() } });
      assert.equal(second.status, 200);
      assert.equal((await bodyOf(second)).id, 'api-1');

      let final: { state: TriggerState; closed: boolean } | null = null;
      for (let i = 0; i < 20 && !final; i++) {
        const r = await call('GET', '/v1/triggers/api-1/result?timeout=10');
        if (r.status === 200) final = (await r.json()) as { state: TriggerState; closed: boolean };
        else assert.equal(r.status, 202);
      }
      assert.ok(final, 'the trigger did not end');
      assert.equal(final.closed, true);
      assert.equal(final.state.result, 'SUCCESS');
      const builds = h.emulator.builds('edge').filter((b) => b.parameters.P === 'api');
      assert.equal(builds.length, 2, 'limited-edge and api-1: one build each, the attach started none');

      const now = await bodyOf(await call('GET', '/v1/triggers/api-1'));
      assert.equal(now.closed, true);
      assert.equal((now.state as TriggerState).buildNumber, final.state.buildNumber);

      const art = await call('GET', '/v1/triggers/api-1/artifacts/build-results.json');
      assert.equal(art.status, 200, await art.clone().text());
      assert.deepEqual(await art.json(), { tests: 42, failed: 0 });
      // The console through the worker: exactly Jenkins' consoleText, then nothing more.
      const con = await call('GET', '/v1/triggers/api-1/console?start=0');
      assert.equal(con.status, 200, await con.clone().text());
      const expected = await (await fetch(`${final.state.buildUrl}consoleText`)).text();
      assert.equal(await con.text(), expected);
      const next = con.headers.get('x-text-size');
      assert.equal(next, String(Buffer.byteLength(expected)));
      assert.equal(con.headers.get('x-more-data'), 'false');
      const rest = await call('GET', `/v1/triggers/api-1/console?start=${next}`);
      assert.equal(await rest.text(), '');
      assert.equal((await call('GET', '/v1/triggers/api-1/console?start=abc')).status, 400);
      const missing = await call('GET', '/v1/triggers/api-1/artifacts/nothing.json');
      assert.equal(missing.status, 404);
      assert.equal((await bodyOf(missing)).error!.type, 'ArtifactNotFound');

      const listed = await eventually(async () => {
        const l = (await bodyOf(await call('GET', '/v1/triggers?job=edge&status=FINISHED&result=SUCCESS&limit=50'))).triggers as Array<{ id: string; job: string }>;
        return l.some((t) => t.id === 'api-1') ? l : null;
      }, 'api-1 in the list');
      assert.ok(listed.every((t) => t.job === 'edge'));
      assert.equal((await call('GET', '/v1/triggers?status=bogus')).status, 400);
      // The filters are the search attributes: another job, or another result, lists nothing of ours.
      const other = (await bodyOf(await call('GET', '/v1/triggers?job=edge-long&status=FINISHED&result=SUCCESS&limit=50'))).triggers as Array<{ id: string }>;
      assert.ok(!other.some((t) => t.id === 'api-1'));
      const failed = (await bodyOf(await call('GET', '/v1/triggers?job=edge&result=FAILURE&limit=50'))).triggers as Array<{ id: string }>;
      assert.ok(!failed.some((t) => t.id === 'api-1'));
    });

    test("a caller's traceparent: every Jenkins request of its trigger carries the caller's trace id", async () => {
      const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      const r = await call('POST', '/v1/triggers', { body: { id: 'api-traced', options: opts({ parameters: { P: 'traced' } }) }, headers: { traceparent: `00-${traceId}-1122334455667788-01` } });
      assert.equal(r.status, 201, await r.clone().text());
      const done = await call('GET', '/v1/triggers/api-traced/result?timeout=60');
      assert.equal(done.status, 200);
      const build = (await bodyOf(done)).state as TriggerState;
      const ours = h.emulator.requests().filter((q) => q.path.startsWith('/job/edge/') && (q.method === 'POST' ? q.query.P === 'traced' || /traced/.test(JSON.stringify(q)) : q.path.startsWith(`/job/edge/${build.buildNumber}/`)));
      assert.ok(ours.length >= 2, `requests of the traced trigger: ${ours.map((q) => `${q.method} ${q.path}`).join(', ')}`);
      for (const q of ours) assert.match(String(q.headers.traceparent), new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`), `${q.method} ${q.path}`);
      // Without a traceparent, a trigger gets a trace of its own.
      const other = h.emulator.requests().filter((q) => q.path.startsWith(`/job/edge/`) && q.headers.traceparent && !String(q.headers.traceparent).includes(traceId));
      assert.ok(other.length > 0, 'other triggers are traced under other trace ids');
    });

    test('the long poll answers 202 with the current state when its timeout passes; abort stops a running build', async () => {
      const r = await call('POST', '/v1/triggers', { body: { id: 'api-long', options: opts({ job: 'edge-long', parameters: undefined }) } });
      assert.equal(r.status, 201);
      await eventually(async () => ((await bodyOf(await call('GET', '/v1/triggers/api-long'))).state as TriggerState | null)?.status === 'RUNNING', 'RUNNING');
      const t0 = Date.now();
      const pending = await call('GET', '/v1/triggers/api-long/result?timeout=1');
      assert.equal(pending.status, 202);
      assert.ok(Date.now() - t0 >= 900, 'the long poll returned before its timeout');
      assert.equal(((await bodyOf(pending)).state as TriggerState).status, 'RUNNING');

      const aborted = await call('POST', '/v1/triggers/api-long/abort', { body: { reason: 'stop from the API' } });
      const ab = await bodyOf(aborted);
      assert.equal(aborted.status, 200, JSON.stringify(ab));
      assert.equal((ab.state as TriggerState).result, 'ABORTED');
      assert.equal(h.emulator.builds('edge-long').at(-1)!.result, 'ABORTED');
      const done = await bodyOf(await call('GET', '/v1/triggers/api-long/result?timeout=30'));
      assert.equal(done.closed, true);
      assert.equal((done.state as TriggerState).abort?.reason, 'stop from the API');
    });

    test('the completion webhook arrives signed (HMAC-SHA256 of the exact body), and a failed delivery is retried', async () => {
      receiver.failFirst.add('api-hook');
      const r = await call('POST', '/v1/triggers', {
        body: { id: 'api-hook', options: opts({ notify: { url: `${receiver.url}/hook`, secret: { env: 'WEBHOOK_SECRET_OF_TEST' } } }) },
      });
      assert.equal(r.status, 201, JSON.stringify(await r.clone().json()));
      const done = await call('GET', '/v1/triggers/api-hook/result?timeout=60');
      assert.equal(done.status, 200);
      // The trigger closed without waiting for its webhook: the retry after the 500 comes later.
      assert.ok(receiver.deliveries.filter((d) => d.headers['x-remote-trigger-id'] === 'api-hook' && d.status === 204).length === 0, 'the trigger waited for its webhook');
      const got = await eventually(() => {
        const mine = receiver.deliveries.filter((d) => d.headers['x-remote-trigger-id'] === 'api-hook');
        return mine.length >= 2 ? mine : null;
      }, 'the webhook, delivered again after a 500');
      assert.equal(got[0]!.status, 500);
      assert.equal(got[1]!.status, 204);
      assert.equal(got[0]!.body, got[1]!.body, 'a retry sends the same bytes');
      for (const d of got) {
        const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(d.body).digest('hex')}`;
        assert.equal(d.headers['x-remote-trigger-signature'], expected);
        assert.equal(d.headers['content-type'], 'application/json');
        assert.ok(!d.body.includes(WEBHOOK_SECRET));
      }
      const payload = JSON.parse(got[1]!.body) as { id: string; state: TriggerState };
      assert.equal(payload.id, 'api-hook');
      assert.equal(payload.state.result, 'SUCCESS');
      // The trigger's own answer is unchanged by the failed first delivery.
      assert.equal(((await done.json()) as { state: TriggerState }).state.result, 'SUCCESS');
      // No secret in what the API answers or in the workflow input.
      const status = await (await call('GET', '/v1/triggers/api-hook')).text();
      assert.ok(!status.includes(WEBHOOK_SECRET));
      const history = await (await fetch(`http://127.0.0.1:${ctx.httpPort}/api/v1/namespaces/default/workflows/api-hook/history`)).text();
      assert.match(history, /WEBHOOK_SECRET_OF_TEST/, 'the reference is in history');
      assert.ok(!history.includes(WEBHOOK_SECRET), 'the secret is in history');
    });

    test('health', async () => {
      const r = await call('GET', '/v1/health', { token: null });
      assert.equal(r.status, 200);
      assert.equal((await bodyOf(r)).ok, true);
    });
  });
}
