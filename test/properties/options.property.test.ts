/**
 * Property-based tests over options, configuration, URLs and parameter text (fast-check). For
 * every generated input: validation succeeds or throws OptionsError, never anything else; a job
 * URL never leaves its root's origin; a secret named by reference is never copied into the
 * workflow input; parameter text round-trips. The seed is printed (see seed.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { buildJobUrl, JenkinsUsageError } from '../../src/jenkins/index.js';
import { parseConfig } from '../../src/options/config.js';
import { OptionsError } from '../../src/options/errors.js';
import { formatParameterText, mergeParameters, parseParameterText, type ParameterList } from '../../src/options/parameters.js';
import { TriggerInputSchema } from '../../src/options/trigger-input-schema.js';
import { buildTriggerInput } from '../../src/options/trigger-input.js';
import { CaseCounter, configureProperties } from './seed.js';

configureProperties();

const config = parseConfig({
  remoteHosts: [
    { name: 'ci', url: 'https://ci.example.com', auth: { type: 'CredentialsAuth', credentials: 'ci-bot' } },
    { name: 'sub', url: 'http://sub.example:8080/jenkins' },
  ],
  credentials: { 'ci-bot': { username: 'bot', passwordEnv: 'CI_BOT_PASSWORD' } },
});

// ---------------------------------------------------------------- generators

/** Strings that stress URL and name handling: separators, dots, escapes, unicode, controls. */
const nasty = fc.oneof(
  fc.string(),
  fc.constantFrom('..', '.', '%2e%2e', '%2E.', '/', '//', '?', '#', '@', ':', ';', '\\', '%', '»', ' ', '\t', '\u0000', 'job', 'view', 'ü', '💥', '%2F', '$', 'a=b'),
  fc.stringMatching(/^[a-z]{1,6}$/),
);
const jobName = fc
  .array(fc.tuple(nasty, fc.constantFrom('', '/', '/')), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.map(([p, sep], i) => (i === 0 ? p : sep + p)).join(''));
const rootUrl = fc.oneof(
  fc.constantFrom('https://ci.example.com', 'http://sub.example:8080/jenkins', 'http://127.0.0.1:1', 'https://h/a/b/'),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webUrl().map((u) => u.replace('://', '://user:pw@')),
);
const jobUrl = fc.tuple(rootUrl, jobName).map(([r, j]) => `${r.replace(/\/+$/, '')}/job/${j}`);

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const anyValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string(), scalar, { maxKeys: 3 }));
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1, 30, 31, 86400, 86401, 1e9, 99_999_999_999, 2 ** 31, Number.MAX_SAFE_INTEGER, 1.5), fc.string());

const secretRef = fc.oneof(
  fc.record({ env: fc.stringMatching(/^[A-Z_]{1,8}$/) }),
  fc.record({ file: fc.string({ minLength: 1 }) }),
  fc.record({ credentials: fc.constantFrom('ci-bot', 'nope', '') }),
);
const auth = fc.oneof(
  fc.constant(undefined),
  fc.record({ type: fc.constantFrom('NullAuth', 'NoneAuth') }),
  fc.record({ type: fc.constant('CredentialsAuth'), credentials: fc.constantFrom('ci-bot', 'ghost', '') }),
  fc.record({ type: fc.constant('TokenAuth'), userName: fc.string(), apiTokenEnv: fc.stringMatching(/^[A-Z_]{1,8}$/) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('BearerTokenAuth'), tokenFile: fc.string(), token: fc.string() }, { requiredKeys: ['type'] }),
  anyValue,
);
const parameters = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.dictionary(fc.string(), scalar, { maxKeys: 4 }),
  fc.record({ parameters: fc.array(fc.record({ name: fc.string(), value: scalar }), { maxLength: 3 }) }),
  anyValue,
);

/** Mostly a valid value, sometimes anything: so that both sides of validation are exercised. */
const mostly = <T,>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown> = anyValue) => fc.oneof({ arbitrary: valid, weight: 15 }, { arbitrary: invalid, weight: 1 });
const validNumber = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.constant(undefined));

/** Options objects mixing valid and invalid values for every option the step has. */
const options = fc.record(
  {
    job: mostly(fc.oneof(fc.constantFrom('x', 'folder/job', 'a b', 'feature%2Ffoo', 'Ünï » x'), jobName, jobUrl)),
    remoteJenkinsName: mostly(fc.constantFrom('ci', 'sub'), fc.oneof(fc.constant('nope'), anyValue)),
    remoteJenkinsUrl: mostly(fc.constant(undefined), rootUrl),
    auth: mostly(fc.constant(undefined), auth),
    token: mostly(fc.constant(undefined), fc.oneof(secretRef, fc.constant(''), anyValue)),
    parameters: mostly(fc.oneof(fc.constant(undefined), fc.constant('A=1\nB=2'), fc.constant('params.properties'), fc.dictionary(fc.stringMatching(/^[A-Z]{1,4}$/), fc.string(), { maxKeys: 3 })), parameters),
    blockBuildUntilComplete: mostly(fc.boolean()),
    pollInterval: mostly(validNumber(-5, 86400), number),
    queuePollInterval: mostly(validNumber(1, 30), number),
    timeout: mostly(validNumber(1, 2_073_600), number),
    maxConn: mostly(validNumber(-3, 9), number),
    httpGetReadTimeout: mostly(validNumber(0, 600_000), number),
    httpPostReadTimeout: mostly(validNumber(0, 600_000), number),
    passingResults: mostly(fc.constant(undefined), fc.oneof(fc.array(fc.constantFrom('SUCCESS', 'FAILURE', 'GREEN')), anyValue)),
    secretParameters: mostly(fc.array(fc.string(), { maxLength: 2 })),
    trustAllCertificates: mostly(fc.boolean()),
    unknownOption: fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: anyValue, weight: 1 }),
  },
  { requiredKeys: ['job'] },
).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));

// ---------------------------------------------------------------- properties

describe('properties of option validation', () => {
  let cwd: string;
  before(() => {
    cwd = mkdtempSync(path.join(os.tmpdir(), 'rt-props-'));
    writeFileSync(path.join(cwd, 'params.properties'), 'A=1\nB=2\n');
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('buildTriggerInput either returns input the workflow accepts or throws OptionsError', async (t) => {
    const cases = new CaseCounter();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(options, async (raw) => {
        cases.tick();
        try {
          const input = await buildTriggerInput(raw, { config, triggerId: 'prop', cwd });
          accepted++;
          // What the caller accepts, the workflow accepts unchanged.
          assert.ok(TriggerInputSchema.safeParse(input).success, JSON.stringify(input));
        } catch (e) {
          if (!(e instanceof OptionsError)) throw new Error(`not an OptionsError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
        }
      }),
    );
    t.diagnostic(`${cases.count} generated option sets, ${accepted} accepted, ${cases.count - accepted} refused`);
    // Both sides must be exercised, or the property says nothing.
    assert.ok(accepted > cases.count / 20 && accepted < cases.count, `${accepted} of ${cases.count} accepted`);
  });

  it('parseConfig either succeeds or throws OptionsError', (t) => {
    const cases = new CaseCounter();
    const host = fc.record({ name: fc.oneof(fc.string(), anyValue), url: fc.oneof(rootUrl, anyValue), credentialOrigins: fc.oneof(fc.array(rootUrl, { maxLength: 2 }), anyValue), maxConn: number }, { requiredKeys: [] });
    const cfg = fc.record(
      {
        remoteHosts: fc.oneof(fc.array(host, { maxLength: 3 }), anyValue),
        allowOrigins: fc.oneof(fc.array(fc.oneof(rootUrl, fc.constant('*')), { maxLength: 2 }), anyValue),
        secretEnvAllow: fc.oneof(fc.array(fc.oneof(fc.stringMatching(/^[A-Z_]{1,6}\*?$/), fc.string()), { maxLength: 2 }), anyValue),
        credentials: fc.oneof(fc.dictionary(fc.string(), fc.record({ username: fc.string(), passwordEnv: fc.string() }, { requiredKeys: [] }), { maxKeys: 2 }), anyValue),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(cfg, (raw) => {
        cases.tick();
        try {
          parseConfig(raw);
        } catch (e) {
          if (!(e instanceof OptionsError)) throw new Error(`not an OptionsError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
        }
      }),
    );
    t.diagnostic(`${cases.count} generated configurations`);
  });

  it('a job URL never leaves its root: same origin, under <root>/job/, also after URL normalisation', (t) => {
    const cases = new CaseCounter();
    let built = 0;
    fc.assert(
      fc.property(fc.constantFrom('https://ci.example.com', 'http://sub.example:8080/jenkins', 'http://h:1/a/b'), jobName, (root, job) => {
        cases.tick();
        let url: string;
        try {
          url = buildJobUrl(root, job);
        } catch (e) {
          if (e instanceof JenkinsUsageError) return;
          throw e;
        }
        built++;
        const parsed = new URL(url);
        assert.equal(parsed.origin, new URL(root).origin);
        const rootPath = new URL(root).pathname.replace(/\/+$/, '');
        // fetch normalises dot segments: the normalised path must still be under the root's /job/.
        assert.ok(parsed.pathname.startsWith(`${rootPath}/job/`), `${job} → ${url} → ${parsed.pathname}`);
        assert.equal(parsed.pathname, url.slice(parsed.origin.length), 'no segment is rewritten by normalisation');
      }),
    );
    t.diagnostic(`${cases.count} generated job names, ${built} built`);
    assert.ok(built > 0 && built < cases.count);
  });

  it('resolved targets keep the job URL under the root, and never carry user info', async (t) => {
    const cases = new CaseCounter();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(jobUrl, jobName), fc.option(rootUrl, { nil: undefined }), async (job, remoteJenkinsUrl) => {
        cases.tick();
        try {
          const input = await buildTriggerInput({ job, remoteJenkinsUrl, remoteJenkinsName: 'sub' }, { config, triggerId: 'prop', cwd });
          const root = new URL(input.target.root);
          const jobU = new URL(input.target.jobUrl);
          assert.equal(jobU.origin, root.origin);
          assert.ok(input.target.jobUrl.startsWith(`${input.target.root}/job/`));
          assert.equal(root.username + root.password + jobU.username + jobU.password, '');
          assert.ok(!JSON.stringify(input).includes('pw@'), 'no user info anywhere in the input');
          accepted++;
        } catch (e) {
          if (!(e instanceof OptionsError)) throw e;
        }
      }),
    );
    t.diagnostic(`${cases.count} generated job/root pairs, ${accepted} accepted`);
    assert.ok(accepted > 0);
  });

  it('a secret named by reference is never resolved into the input; a literal secret is refused and not echoed', async (t) => {
    const cases = new CaseCounter();
    const secretValue = fc.stringMatching(/^[A-Za-z0-9+/=!-]{8,24}$/);
    await fc.assert(
      fc.asyncProperty(secretValue, fc.stringMatching(/^RT_[A-Z]{1,6}$/), fc.constantFrom('TokenAuth', 'BearerTokenAuth', 'token'), async (secret, varName, where) => {
        cases.tick();
        process.env[varName] = secret;
        try {
          const raw: Record<string, unknown> = { job: 'x', remoteJenkinsName: 'ci' };
          if (where === 'TokenAuth') raw.auth = { type: 'TokenAuth', userName: 'u', apiTokenEnv: varName };
          else if (where === 'BearerTokenAuth') raw.auth = { type: 'BearerTokenAuth', tokenEnv: varName };
          else raw.token = { env: varName };
          const input = await buildTriggerInput(raw, { config, triggerId: 'prop', cwd });
          assert.ok(!JSON.stringify(input).includes(secret), 'the secret value is not in the input');
          // The literal forms are refused, and the error does not repeat the value.
          const literal: Record<string, unknown> =
            where === 'TokenAuth' ? { job: 'x', remoteJenkinsName: 'ci', auth: { type: 'TokenAuth', userName: 'u', apiToken: secret } }
            : where === 'BearerTokenAuth' ? { job: 'x', remoteJenkinsName: 'ci', auth: { type: 'BearerTokenAuth', token: secret } }
            : { job: 'x', remoteJenkinsName: 'ci', token: secret };
          await assert.rejects(buildTriggerInput(literal, { config, triggerId: 'prop', cwd }), (e: unknown) => e instanceof OptionsError && !e.message.includes(secret));
        } finally {
          delete process.env[varName];
        }
      }),
    );
    t.diagnostic(`${cases.count} generated secrets`);
  });
});

describe('properties of parameter text', () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/);
  const value = fc.string().filter((v) => !v.includes('\n') && !v.endsWith('\r'));
  const list: fc.Arbitrary<ParameterList> = fc.uniqueArray(fc.tuple(name, value), { selector: ([k]) => k, maxLength: 12 });

  it('parsing printed text gives the same list back', (t) => {
    const cases = new CaseCounter();
    fc.assert(fc.property(list, (params) => cases.tick() && assert.deepEqual(parseParameterText(formatParameterText(params)), params) === undefined));
    t.diagnostic(`${cases.count} generated parameter lists`);
  });

  it('printing parsed text gives the same lines back (comments and blank lines aside)', (t) => {
    const cases = new CaseCounter();
    fc.assert(
      fc.property(list, fc.array(fc.constantFrom('', '# comment', '   '), { maxLength: 3 }), (params, noise) => {
        cases.tick();
        const text = [...noise, formatParameterText(params)].join('\n');
        assert.equal(formatParameterText(parseParameterText(text)), formatParameterText(params));
      }),
    );
    t.diagnostic(`${cases.count} generated texts`);
  });

  it('overrides keep the base order, replace values in place and append new names', (t) => {
    const cases = new CaseCounter();
    fc.assert(
      fc.property(list, list, (base, overrides) => {
        cases.tick();
        const merged = mergeParameters(base, overrides);
        const names = merged.map(([k]) => k);
        assert.deepEqual(names.slice(0, base.length), base.map(([k]) => k));
        assert.equal(new Set(names).size, names.length);
        for (const [k, v] of overrides) assert.equal(merged.find(([n]) => n === k)![1], v);
        for (const [k, v] of base) if (!overrides.some(([n]) => n === k)) assert.equal(merged.find(([n]) => n === k)![1], v);
      }),
    );
    t.diagnostic(`${cases.count} generated merges`);
  });
});
