import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DefaultLogger } from '@temporalio/worker';
import type { StepOptionsInput } from '../../src/options/step-options.js';
import { Harness, installTestLogger } from '../support/harness.js';

/**
 * docs/design.md §7: no secret in workflow input, history, memo, search attributes or logs.
 * Triggers run with every auth kind and a job token; then the full history of each workflow,
 * every worker log line (at DEBUG) and the dev server's database files are searched for each
 * secret, in plain text and in the encodings it travels in (Basic base64, URL encoding).
 */
const SECRETS = {
  apiToken: '11secretapitoken1111111111111111111',
  password: 'Pa55-secret-word',
  bearer: 'bearer-secret-value-42',
  jobToken: 'job-secret-token-77',
  parameter: 'parameter-secret-value-99',
};

describe('secrets stay out of history, logs and server files', () => {
  let h: Harness;
  const logLines: string[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-secrets-'));
  const dbFile = path.join(tmp, 'temporal.sqlite');
  const bearerFile = path.join(tmp, 'bearer.txt');
  const triggerIds: string[] = [];

  before(async () => {
    installTestLogger(
      new DefaultLogger('DEBUG', (entry) => logLines.push(`${entry.level} ${entry.message} ${safeJson(entry.meta)}`)),
    );
    writeFileSync(bearerFile, `${SECRETS.bearer}\n`);
    h = await Harness.start({
      dbFilename: dbFile,
      scenario: {
        jobs: [
          { name: 'secure', token: SECRETS.jobToken, parameters: [{ name: 'DB_PASSWORD', type: 'password' }, { name: 'X' }], build: { durationMs: 400, consoleLines: 3 } },
          { name: 'closed', token: SECRETS.jobToken, disabled: true },
        ],
        security: {
          anonymousRead: false,
          users: [{ name: 'ci', password: SECRETS.password, apiTokens: [SECRETS.apiToken], bearerTokens: [SECRETS.bearer] }],
        },
      },
      config: (url) => ({
        remoteHosts: [{ name: 'jenkins', url, auth: { type: 'CredentialsAuth', credentials: 'ci-password' } }],
        credentials: {
          'ci-password': { username: 'ci', passwordEnv: 'RT_SECRET_PASSWORD' },
          'job-token': { tokenEnv: 'RT_SECRET_JOB_TOKEN' },
        },
        // The references the options below make (a worker reads no other secret for a caller).
        secretEnvAllow: ['RT_SECRET_API_TOKEN', 'RT_SECRET_JOB_TOKEN'],
        secretFileAllow: [`${tmp}/`],
      }),
      worker: false,
    });
    await h.startWorker({
      env: { ...process.env, RT_SECRET_API_TOKEN: SECRETS.apiToken, RT_SECRET_PASSWORD: SECRETS.password, RT_SECRET_JOB_TOKEN: SECRETS.jobToken },
    });

    // DB_PASSWORD is a password parameter of the job: masked without being listed. NOTE is
    // masked because it is listed in secretParameters.
    const common = { remoteJenkinsName: 'jenkins', job: 'secure', enhancedLogging: true };
    const runs: Array<StepOptionsInput & { parameters: Record<string, string> }> = [
      { ...common, parameters: { DB_PASSWORD: SECRETS.parameter, X: 'credentials' }, token: { credentials: 'job-token' } },
      { ...common, parameters: { DB_PASSWORD: SECRETS.parameter, X: 'token' }, token: { env: 'RT_SECRET_JOB_TOKEN' }, auth: { type: 'TokenAuth' as const, userName: 'ci', apiTokenEnv: 'RT_SECRET_API_TOKEN' } },
      { ...common, parameters: { DB_PASSWORD: 'another', X: 'bearer', NOTE: SECRETS.parameter }, secretParameters: ['NOTE'], allowUndefinedParameters: true, token: { env: 'RT_SECRET_JOB_TOKEN' }, auth: { type: 'BearerTokenAuth' as const, tokenFile: bearerFile } },
    ];
    for (const options of runs) {
      const handle = await h.start(options);
      triggerIds.push(handle.workflowId);
      const s = await handle.result();
      assert.equal(s.result, 'SUCCESS', `${options.parameters.X} trigger`);
    }
    // A failing trigger: Jenkins' 409 comes back with the POST URL (token=) in the error message.
    const failing = await h.start({ ...common, job: 'closed', parameters: {}, token: { env: 'RT_SECRET_JOB_TOKEN' } });
    triggerIds.push(failing.workflowId);
    await assert.rejects(failing.result(), /409/);
  });
  after(() => h?.teardown());

  /** Every form a secret may take on the wire or in storage. */
  function forms(secret: string): string[] {
    return [secret, encodeURIComponent(secret), Buffer.from(`ci:${secret}`).toString('base64'), Buffer.from(secret).toString('base64')];
  }

  function findSecrets(haystack: string, where: string, allow: string[] = []): string[] {
    const found: string[] = [];
    for (const [name, secret] of Object.entries(SECRETS)) {
      if (allow.includes(name)) continue;
      for (const f of forms(secret)) if (haystack.includes(f)) found.push(`${name} (${f === secret ? 'plain' : 'encoded'}) in ${where}`);
    }
    return found;
  }

  test('the triggers really used every auth kind and the job token', () => {
    const posts = h.emulator.requests({ method: 'POST' }).filter((r) => r.path === '/job/secure/buildWithParameters');
    assert.deepEqual(posts.map((r) => r.headers.authorization?.split(' ')[0]).sort(), ['Basic', 'Basic', 'Bearer']);
    assert.ok(posts.every((r) => r.query.token === '***'));
  });

  test('no secret in any workflow history (input, results, failures, memo)', async () => {
    let searched = 0;
    for (const id of triggerIds) {
      const history = await h.client.workflow.getHandle(id).fetchHistory();
      const text = decodedJson(history);
      searched += text.length;
      // Parameter values are workflow input by design; only their logging is masked.
      assert.deepEqual(findSecrets(text, `history of ${id}`, ['parameter']), []);
      const desc = await h.client.workflow.getHandle(id).describe();
      assert.deepEqual(findSecrets(decodedJson({ memo: desc.memo, sa: desc.searchAttributes }), `memo of ${id}`), []);
    }
    assert.ok(searched > 10_000, `searched ${searched} characters of history`);
    // The search sees decoded payloads: the (non-secret by design) parameter value is found.
    assert.ok(decodedJson(await h.client.workflow.getHandle(triggerIds[0]!).fetchHistory()).includes(SECRETS.parameter));
    // The failure message kept the POST URL, with the token redacted.
    const failed = decodedJson(await h.client.workflow.getHandle(triggerIds.at(-1)!).fetchHistory());
    assert.match(failed, /token=\*\*\*/);
  });

  test('no secret (and no secret parameter value) in any worker log line', () => {
    assert.ok(logLines.length > 50, `captured ${logLines.length} log lines`);
    assert.ok(logLines.some((l) => l.includes('DB_PASSWORD=****, X=credentials')), 'the password parameter is logged masked');
    assert.ok(logLines.some((l) => l.includes('X=bearer, NOTE=****')), 'the listed secret parameter is logged masked');
    assert.deepEqual(findSecrets(logLines.join('\n'), 'worker log'), []);
  });

  test("no secret in the dev server's database files", () => {
    let scanned = 0;
    let sawPayloads = false;
    const files = readdirSync(tmp).filter((f) => f.startsWith('temporal.sqlite'));
    assert.ok(files.length >= 1, `database files: ${files.join(', ')}`);
    for (const f of files) {
      const bytes = readFileSync(path.join(tmp, f)).toString('latin1');
      assert.deepEqual(findSecrets(bytes, f, ['parameter']), []);
      scanned += bytes.length;
      sawPayloads ||= bytes.includes(SECRETS.parameter);
    }
    // Positive control: workflow input (with the non-secret-by-design parameter value) is
    // readable in these files, so a leaked secret would be found too.
    assert.ok(sawPayloads, 'the database files hold readable payloads');
    assert.ok(scanned > 100_000, `scanned ${scanned} bytes of database files`);
  });
});

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) ?? '';
  } catch {
    return String(v);
  }
}

/**
 * All strings of an object (through its JSON form, as protobuf messages serialise themselves),
 * plus the decoded text of every base64 string: payload data is JSON in base64.
 */
function decodedJson(v: unknown): string {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (typeof x === 'string') {
      out.push(x);
      if (x.length >= 8 && x.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(x)) out.push(Buffer.from(x, 'base64').toString('utf8'));
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) ?? 'null'));
  return out.join('\n');
}
