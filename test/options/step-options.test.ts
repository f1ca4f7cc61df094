import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/options/config.js';
import { OptionsError } from '../../src/options/errors.js';
import { buildTriggerInput, parseStepOptions } from '../../src/options/trigger-input.js';

const JOB_MISSING = "Parameter 'Remote Job Name or URL' ('job' variable in Pipeline) not specified.";

function optionsError(f: () => unknown): OptionsError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof OptionsError, `expected an OptionsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an OptionsError, nothing was thrown');
}

async function rejectsOptions(p: Promise<unknown>): Promise<OptionsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OptionsError, `expected an OptionsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an OptionsError, the promise resolved');
}

const config = parseConfig({ credentials: { jenkins: { username: 'ci', passwordEnv: 'CI_PASSWORD' } } });
const ROOT = 'http://jenkins.example:8080';
const input = (raw: Record<string, unknown>, cwd?: string) =>
  buildTriggerInput({ remoteJenkinsUrl: ROOT, ...raw }, { config, triggerId: 'test-id', ...(cwd ? { cwd } : {}) });

describe('parseStepOptions: pipeline defaults (plugin testDefaultsPipelineStep)', () => {
  it('gives the pipeline defaults for a bare job', () => {
    const o = parseStepOptions({ job: 'demo' });
    assert.equal(o.job, 'demo');
    assert.equal(o.blockBuildUntilComplete, true);
    assert.equal(o.auth, undefined);
    assert.equal(o.token, undefined);
    assert.equal(o.pollInterval, 10);
    assert.equal(o.maxConn, 1);
    assert.equal(o.httpGetReadTimeout, 10_000);
    assert.equal(o.httpPostReadTimeout, 30_000);
    for (const flag of [
      'abortTriggeredJob',
      'preventRemoteBuildQueue',
      'shouldNotFailBuild',
      'enhancedLogging',
      'trustAllCertificates',
      'overrideTrustAllCertificates',
      'disabled',
    ] as const) {
      assert.equal(o[flag], false, flag);
    }
    // Unset, so that a named host's setting can apply; without one the trigger input says false.
    assert.equal(o.useCrumbCache, undefined);
    assert.equal(o.useJobInfoCache, undefined);
    assert.equal(o.remoteJenkinsName, undefined);
    assert.equal(o.remoteJenkinsUrl, undefined);
    assert.equal(o.parameters, undefined);
    assert.equal(o.timeout, undefined);
    assert.deepEqual(o.passingResults, ['SUCCESS', 'UNSTABLE']);
    assert.deepEqual(o.secretParameters, []);
  });

  it('absent auth becomes NullAuth, i.e. no job-level auth (falls back to the host, here none)', async () => {
    const t = await input({ job: 'demo' });
    assert.deepEqual(t.target.auth, { kind: 'none' });
    assert.equal(t.target.authSource, 'none');
    assert.equal(t.token, null);
    assert.deepEqual(t.parameters, []);
    assert.equal(t.blockBuildUntilComplete, true);
    assert.equal(t.pollIntervalSeconds, 10);
    assert.equal(t.queuePollIntervalSeconds, 10);
    assert.equal(t.httpGetReadTimeoutMs, 10_000);
    assert.equal(t.httpPostReadTimeoutMs, 30_000);
    assert.equal(t.timeoutSeconds, null);
    assert.equal(t.triggerId, 'test-id');
    assert.equal(t.target.jobUrl, `${ROOT}/job/demo`);
  });

  it('trims job, remoteJenkinsName and remoteJenkinsUrl; empty names become absent', () => {
    const o = parseStepOptions({ job: '  folder/demo  ', remoteJenkinsName: '  ', remoteJenkinsUrl: ' http://h:1/ ' });
    assert.equal(o.job, 'folder/demo');
    assert.equal(o.remoteJenkinsName, undefined);
    assert.equal(o.remoteJenkinsUrl, 'http://h:1/');
    assert.equal(parseStepOptions({ job: 'x', remoteJenkinsName: null }).remoteJenkinsName, undefined);
  });
});

describe('parseStepOptions: normalisations', () => {
  it('pollInterval <= 0 becomes 10, positive values are kept', () => {
    assert.equal(parseStepOptions({ job: 'x', pollInterval: 0 }).pollInterval, 10);
    assert.equal(parseStepOptions({ job: 'x', pollInterval: -7 }).pollInterval, 10);
    assert.equal(parseStepOptions({ job: 'x', pollInterval: 1 }).pollInterval, 1);
    assert.equal(parseStepOptions({ job: 'x', pollInterval: 45 }).pollInterval, 45);
  });

  it('maxConn is clamped to 1..5', () => {
    assert.equal(parseStepOptions({ job: 'x', maxConn: 0 }).maxConn, 1);
    assert.equal(parseStepOptions({ job: 'x', maxConn: -3 }).maxConn, 1);
    assert.equal(parseStepOptions({ job: 'x', maxConn: 3 }).maxConn, 3);
    assert.equal(parseStepOptions({ job: 'x', maxConn: 5 }).maxConn, 5);
    assert.equal(parseStepOptions({ job: 'x', maxConn: 99 }).maxConn, 5);
  });

  it('read timeouts below 1000 ms fall back to their defaults', () => {
    const low = parseStepOptions({ job: 'x', httpGetReadTimeout: 999, httpPostReadTimeout: 0 });
    assert.equal(low.httpGetReadTimeout, 10_000);
    assert.equal(low.httpPostReadTimeout, 30_000);
    const ok = parseStepOptions({ job: 'x', httpGetReadTimeout: 1000, httpPostReadTimeout: 2500 });
    assert.equal(ok.httpGetReadTimeout, 1000);
    assert.equal(ok.httpPostReadTimeout, 2500);
  });

  it('queue poll interval defaults to min(pollInterval, 30) and may be set up to 30', async () => {
    assert.equal((await input({ job: 'x', pollInterval: 5 })).queuePollIntervalSeconds, 5);
    assert.equal((await input({ job: 'x', pollInterval: 120 })).queuePollIntervalSeconds, 30);
    assert.equal((await input({ job: 'x', pollInterval: 120, queuePollInterval: 7 })).queuePollIntervalSeconds, 7);
    assert.match(optionsError(() => parseStepOptions({ job: 'x', queuePollInterval: 31 })).message, /queuePollInterval: must be at most 30/);
  });

  it('rejects non-numbers and fractions for the numeric options, naming the option', () => {
    assert.match(optionsError(() => parseStepOptions({ job: 'x', pollInterval: 'ten' })).message, /^pollInterval: must be a number/);
    assert.match(optionsError(() => parseStepOptions({ job: 'x', pollInterval: 1.5 })).message, /^pollInterval: must be a whole number/);
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', maxConn: 2.5 })).field, 'maxConn');
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', timeout: -5 })).field, 'timeout');
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', timeout: 0 })).field, 'timeout');
    assert.equal(parseStepOptions({ job: 'x', timeout: 90 }).timeout, 90);
  });

  it('checks passingResults against the Jenkins results', () => {
    assert.deepEqual(parseStepOptions({ job: 'x', passingResults: ['SUCCESS'] }).passingResults, ['SUCCESS']);
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', passingResults: ['GREEN'] })).field, 'passingResults[0]');
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', passingResults: [] })).field, 'passingResults');
  });
});

describe('parseStepOptions: invalid input', () => {
  for (const job of [undefined, '', '   ', '\t\n']) {
    it(`job ${JSON.stringify(job)} gives the plugin's "not specified" message`, () => {
      const e = optionsError(() => parseStepOptions(job === undefined ? {} : { job }));
      assert.equal(e.field, 'job');
      assert.ok(e.message.includes(JOB_MISSING), e.message);
    });
  }

  it('rejects options that are not an object', () => {
    for (const raw of [null, 'job', 42, ['job']]) {
      assert.match(optionsError(() => parseStepOptions(raw)).message, /options must be an object/);
    }
  });

  it('rejects an unknown option, naming it', () => {
    const e = optionsError(() => parseStepOptions({ job: 'x', pollIntervall: 5 }));
    assert.match(e.message, /pollIntervall/);
    const nested = optionsError(() => parseStepOptions({ job: 'x', auth: { type: 'NoneAuth', user: 'u' } }));
    assert.match(nested.message, /auth/);
    assert.match(nested.message, /"user"/);
  });

  const literalSecrets: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['TokenAuth apiToken', { auth: { type: 'TokenAuth', userName: 'u', apiToken: 'x-literal-api-token' } }, 'x-literal-api-token', /^auth\.apiToken: /],
    ['job token', { token: 'abc-literal-job-token' }, 'abc-literal-job-token', /^token: /],
    ['BearerTokenAuth token', { auth: { type: 'BearerTokenAuth', token: 'x-literal-bearer' } }, 'x-literal-bearer', /^auth\.token: /],
    ['$class TokenAuth apiToken', { auth: { $class: 'TokenAuth', userName: 'u', apiToken: 'dollar-class-secret' } }, 'dollar-class-secret', /^auth\.apiToken: /],
  ];
  for (const [name, raw, secret, field] of literalSecrets) {
    it(`rejects a literal secret (${name}) without repeating its value`, () => {
      const e = optionsError(() => parseStepOptions({ job: 'x', ...raw }));
      assert.match(e.message, field);
      assert.match(e.message, /Temporal history/);
      assert.ok(!e.message.includes(secret), `the message repeats the secret: ${e.message}`);
      assert.ok(!JSON.stringify(e.issues).includes(secret), 'the issues repeat the secret');
    });
  }

  it('requires exactly one secret source for TokenAuth and BearerTokenAuth', () => {
    assert.match(
      optionsError(() => parseStepOptions({ job: 'x', auth: { type: 'TokenAuth', userName: 'u' } })).message,
      /TokenAuth needs exactly one of apiTokenEnv, apiTokenFile or credentials/,
    );
    assert.match(
      optionsError(() => parseStepOptions({ job: 'x', auth: { type: 'TokenAuth', userName: 'u', apiTokenEnv: 'A', apiTokenFile: '/f' } })).message,
      /TokenAuth needs exactly one/,
    );
    assert.match(
      optionsError(() => parseStepOptions({ job: 'x', auth: { type: 'TokenAuth', userName: ' ', apiTokenEnv: 'A' } })).message,
      /TokenAuth needs a userName/,
    );
    assert.match(
      optionsError(() => parseStepOptions({ job: 'x', auth: { type: 'BearerTokenAuth' } })).message,
      /BearerTokenAuth needs exactly one of tokenEnv, tokenFile or credentials/,
    );
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', auth: { type: 'Weird' } })).field, 'auth.type');
  });
});

describe('auth and token references', () => {
  it('turns each auth variant into its reference', async () => {
    const cases: Array<[unknown, unknown]> = [
      [{ type: 'NullAuth' }, { kind: 'none' }],
      [{ type: 'NoneAuth' }, { kind: 'none' }],
      [{ type: 'TokenAuth', userName: ' bob ', apiTokenEnv: 'BOB_TOKEN' }, { kind: 'token', userName: 'bob', secret: { env: 'BOB_TOKEN' } }],
      [{ type: 'TokenAuth', userName: 'bob', apiTokenFile: '/run/secrets/t' }, { kind: 'token', userName: 'bob', secret: { file: '/run/secrets/t' } }],
      [{ type: 'TokenAuth', userName: 'bob', credentials: 'jenkins' }, { kind: 'token', userName: 'bob', secret: { credentials: 'jenkins' } }],
      [{ type: 'CredentialsAuth', credentials: 'jenkins' }, { kind: 'credentials', credentials: 'jenkins' }],
      [{ type: 'BearerTokenAuth', tokenEnv: 'BEARER' }, { kind: 'bearer', secret: { env: 'BEARER' } }],
    ];
    for (const [auth, expected] of cases) {
      const t = await input({ job: 'x', auth });
      assert.deepEqual(t.target.auth, expected, JSON.stringify(auth));
    }
    // NullAuth is "don't set/override": no job-level auth.
    assert.equal((await input({ job: 'x', auth: { type: 'NullAuth' } })).target.authSource, 'none');
    assert.equal((await input({ job: 'x', auth: { type: 'NoneAuth' } })).target.authSource, 'job');
  });

  it("accepts the Jenkinsfile's $class as an alias of type", async () => {
    const o = parseStepOptions({ job: 'x', auth: { $class: 'TokenAuth', userName: 'u', apiTokenEnv: 'T' } });
    assert.deepEqual(o.auth, { type: 'TokenAuth', userName: 'u', apiTokenEnv: 'T' });
    const t = await input({ job: 'x', auth: { $class: 'CredentialsAuth', credentials: 'jenkins' } });
    assert.deepEqual(t.target.auth, { kind: 'credentials', credentials: 'jenkins' });
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', auth: { $class: 'NoSuchAuth' } })).field, 'auth.type');
  });

  it('keeps token references and the empty token; rejects an unknown credentials id', async () => {
    assert.deepEqual((await input({ job: 'x', token: { env: 'JOB_TOKEN' } })).token, { env: 'JOB_TOKEN' });
    assert.deepEqual((await input({ job: 'x', token: { credentials: 'jenkins' } })).token, { credentials: 'jenkins' });
    assert.equal((await input({ job: 'x', token: '' })).token, null);
    const e = await rejectsOptions(input({ job: 'x', token: { credentials: 'nope' } }));
    assert.equal(e.field, 'token.credentials');
    assert.match(e.message, /unknown credentials id 'nope'/);
    const a = await rejectsOptions(input({ job: 'x', auth: { type: 'CredentialsAuth', credentials: 'nope' } }));
    assert.equal(a.field, 'auth.credentials');
  });
});

describe('buildTriggerInput: parameter forms', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rt-step-options-'));
    writeFileSync(path.join(dir, 'job.properties'), '# from a file\r\nBRANCH=main\r\nB64=QUJD==\r\n');
    writeFileSync(path.join(dir, 'foo'), 'FROM_FOO=1\n');
    writeFileSync(path.join(dir, 'bad.properties'), 'A=1\n\nnot a parameter\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('text with "=" is parsed as K=V lines', async () => {
    assert.deepEqual((await input({ job: 'x', parameters: 'A=1\nB=x=y' })).parameters, [
      ['A', '1'],
      ['B', 'x=y'],
    ]);
  });

  it('a plain map keeps its order and stringifies values; multi-line values survive', async () => {
    assert.deepEqual((await input({ job: 'x', parameters: { Z: 1, A: true, M: 'l1\nl2' } })).parameters, [
      ['Z', '1'],
      ['A', 'true'],
      ['M', 'l1\nl2'],
    ]);
  });

  it('the MapParameters(parameters: [MapParameter(name, value)]) form', async () => {
    const t = await input({ job: 'x', parameters: { parameters: [{ name: 'B', value: 'b' }, { name: 'A', value: 2 }] } });
    assert.deepEqual(t.parameters, [
      ['B', 'b'],
      ['A', '2'],
    ]);
    const e = await rejectsOptions(input({ job: 'x', parameters: { parameters: [{ name: 'A', value: '1', extra: 1 }] } }));
    assert.match(e.message, /^parameters/);
  });

  it(
    'the MapParameters form rejects a duplicate name like every other form',
    async () => {
      const e = await rejectsOptions(
        input({ job: 'x', parameters: { parameters: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] } }),
      );
      assert.match(e.message, /duplicate parameter 'A'/);
    },
  );

  it('the FileParameters(filePath) form reads the file relative to cwd (CRLF stripped)', async () => {
    assert.deepEqual((await input({ job: 'x', parameters: { filePath: 'job.properties' } }, dir)).parameters, [
      ['BRANCH', 'main'],
      ['B64', 'QUJD=='],
    ]);
  });

  it('a string without "=" or newline is a file path, as in the plugin', async () => {
    assert.deepEqual((await input({ job: 'x', parameters: 'foo' }, dir)).parameters, [['FROM_FOO', '1']]);
  });

  it('the deprecated parameterFile option, and loadParamsFromFile with a string', async () => {
    assert.deepEqual((await input({ job: 'x', parameterFile: 'job.properties' }, dir)).parameters, [
      ['BRANCH', 'main'],
      ['B64', 'QUJD=='],
    ]);
    assert.deepEqual((await input({ job: 'x', parameters: path.join(dir, 'foo'), loadParamsFromFile: true })).parameters, [['FROM_FOO', '1']]);
  });

  it('a missing parameter file is an error naming the field and the absolute path', async () => {
    const e = await rejectsOptions(input({ job: 'x', parameters: { filePath: 'missing.properties' } }, dir));
    assert.equal(e.field, 'parameters.filePath');
    assert.ok(e.message.includes(path.join(dir, 'missing.properties')), e.message);
    assert.match(e.message, /ENOENT/);
    const e2 = await rejectsOptions(input({ job: 'x', parameterFile: 'missing.properties' }, dir));
    assert.equal(e2.field, 'parameterFile');
  });

  it('a bad line in a parameter file names the file and the line', async () => {
    const e = await rejectsOptions(input({ job: 'x', parameterFile: 'bad.properties' }, dir));
    assert.equal(e.field, 'parameterFile');
    assert.match(e.message, /bad\.properties line 3 has no '='/);
  });

  it('parameters override and extend parameterFile: file order kept, overridden keys in place, new keys last', async () => {
    assert.deepEqual((await input({ job: 'x', parameters: 'A=1\nBRANCH=release', parameterFile: 'job.properties' }, dir)).parameters, [
      ['BRANCH', 'release'],
      ['B64', 'QUJD=='],
      ['A', '1'],
    ]);
    assert.deepEqual((await input({ job: 'x', parameters: { B64: 'x', C: 3 }, parameterFile: 'job.properties' }, dir)).parameters, [
      ['BRANCH', 'main'],
      ['B64', 'x'],
      ['C', '3'],
    ]);
  });

  it('the MapParameters form keeps its order, numeric names included', async () => {
    const list = [{ name: 'B', value: '1' }, { name: '2', value: 'two' }, { name: '1', value: 'one' }];
    assert.deepEqual((await input({ job: 'x', parameters: { parameters: list } })).parameters, [
      ['B', '1'],
      ['2', 'two'],
      ['1', 'one'],
    ]);
  });

  it('empty text gives no parameters; a null map value or a list is rejected', async () => {
    assert.deepEqual((await input({ job: 'x', parameters: '' })).parameters, []);
    assert.deepEqual((await input({ job: 'x', parameters: {} })).parameters, []);
    // A null value passes the schema so that the parameter reader can name it.
    await assert.rejects(input({ job: 'x', parameters: { A: null } as never }), (e: unknown) => {
      assert.ok(e instanceof OptionsError);
      assert.equal(e.field, 'parameters');
      assert.match(e.message, /'A' has no value/);
      return true;
    });
    assert.equal(optionsError(() => parseStepOptions({ job: 'x', parameters: [1, 2] })).field, 'parameters');
  });

  it('two 5 KB values survive the map form intact', async () => {
    const a = 'x'.repeat(5 * 1024);
    const b = '€'.repeat(5 * 1024);
    const t = await input({ job: 'x', parameters: { A: a, B: b } });
    assert.equal(t.parameters[0]![1], a);
    assert.equal(t.parameters[1]![1], b);
  });

  it('carries the other options into the trigger input', async () => {
    const t = await input({
      job: 'x',
      blockBuildUntilComplete: false,
      abortTriggeredJob: true,
      shouldNotFailBuild: true,
      enhancedLogging: true,
      useCrumbCache: true,
      useJobInfoCache: true,
      disabled: true,
      preventRemoteBuildQueue: true,
      timeout: 600,
      passingResults: ['SUCCESS'],
      secretParameters: ['PASSWORD'],
    });
    assert.equal(t.blockBuildUntilComplete, false);
    assert.equal(t.abortTriggeredJob, true);
    assert.equal(t.shouldNotFailBuild, true);
    assert.equal(t.enhancedLogging, true);
    assert.equal(t.useCrumbCache, true);
    assert.equal(t.useJobInfoCache, true);
    assert.equal(t.disabled, true);
    assert.equal(t.preventRemoteBuildQueue, true);
    assert.equal(t.timeoutSeconds, 600);
    assert.deepEqual(t.passingResults, ['SUCCESS']);
    assert.deepEqual(t.secretParameters, ['PASSWORD']);
    assert.equal(t.job, 'x');
  });
});
