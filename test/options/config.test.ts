import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, parseConfig } from '../../src/options/config.js';
import { OptionsError } from '../../src/options/errors.js';
import { isHttpUrl } from '../../src/jenkins/urls.js';

function configError(data: unknown, source?: string): OptionsError {
  try {
    parseConfig(data, source);
  } catch (e) {
    assert.ok(e instanceof OptionsError, `expected an OptionsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an OptionsError, nothing was thrown');
}

describe('parseConfig: a valid temporal.yaml', () => {
  it('reads hosts, credentials and defaults', () => {
    const c = parseConfig({
      temporal: { address: 'temporal.internal:7233', namespace: 'ci' },
      remoteHosts: [
        {
          name: 'prod',
          url: ' https://jenkins.example.com/ ',
          auth: { type: 'CredentialsAuth', credentials: 'prod-user' },
          maxConn: 9,
          credentialOrigins: ['https://jenkins-alias.example.com'],
        },
        { name: 'bearer', url: 'http://bearer.example:8080', auth: { $class: 'BearerTokenAuth', credentials: 'bearer-token' } },
        { name: 'open', url: 'http://open.example' },
      ],
      credentials: {
        'prod-user': { username: 'ci', passwordFile: '/run/secrets/prod', apiToken: true },
        'bearer-token': { tokenEnv: 'BEARER' },
      },
    });
    assert.equal(c.temporal.address, 'temporal.internal:7233');
    assert.equal(c.temporal.namespace, 'ci');
    assert.equal(c.temporal.taskQueue, 'remote-trigger');
    assert.equal(c.markerParameter, 'REMOTE_TRIGGER_ID');
    assert.equal(c.remoteHosts.length, 3);
    const [prod, bearer, open] = c.remoteHosts;
    assert.equal(prod!.url, 'https://jenkins.example.com/');
    assert.equal(prod!.maxConn, 5);
    assert.equal(prod!.trustAllCertificates, false);
    assert.equal(prod!.hasBuildTokenRootSupport, false);
    assert.deepEqual(prod!.credentialOrigins, ['https://jenkins-alias.example.com']);
    assert.deepEqual(bearer!.auth, { type: 'BearerTokenAuth', credentials: 'bearer-token' });
    assert.equal(open!.auth, undefined);
    assert.equal(open!.maxConn, undefined);
    assert.deepEqual(open!.credentialOrigins, []);
    assert.equal(c.credentials['prod-user']!.apiToken, true);
    assert.equal(c.credentials['bearer-token']!.apiToken, false);
  });

  it('an empty or null document is the empty configuration', () => {
    for (const data of [null, undefined, {}]) {
      const c = parseConfig(data);
      assert.deepEqual(c.remoteHosts, []);
      assert.deepEqual(c.credentials, {});
      assert.equal(c.temporal.namespace, 'default');
      assert.equal(c.temporal.address, undefined);
    }
  });
});

describe('parseConfig: invalid configurations name the field', () => {
  it('duplicate host names', () => {
    const e = configError({ remoteHosts: [{ name: 'a', url: 'http://one.example' }, { name: 'a', url: 'http://two.example' }] });
    assert.match(e.message, /remoteHosts\[1\]\.name: duplicate remote host name 'a'/);
    assert.equal(e.field, 'remoteHosts[1].name');
  });

  for (const url of ['notaurl', 'ftp://files.example/x', 'http://h/${X}', 'hostname:8080', '']) {
    it(`host url ${JSON.stringify(url)}`, () => {
      const e = configError({ remoteHosts: [{ name: 'a', url }] });
      assert.match(e.message, /remoteHosts\[0\]\.url: /);
      assert.equal(e.field, 'remoteHosts[0].url');
    });
  }

  it(
    'a short host name (http://ci) is accepted as in remoteJenkinsUrl',
    () => {
      assert.equal(isHttpUrl('http://ci'), true);
      assert.equal(parseConfig({ remoteHosts: [{ name: 'ci', url: 'http://ci' }] }).remoteHosts[0]!.url, 'http://ci');
    },
  );

  it('a bad credentialOrigins entry', () => {
    const e = configError({ remoteHosts: [{ name: 'a', url: 'http://one.example', credentialOrigins: ['nope'] }] });
    assert.equal(e.field, 'remoteHosts[0].credentialOrigins[0]');
  });

  it('a credential with two secret sources', () => {
    const e = configError({ credentials: { both: { username: 'u', passwordEnv: 'A', tokenFile: '/b' } } });
    assert.equal(e.field, 'credentials.both');
    assert.match(e.message, /exactly one of passwordEnv, passwordFile, tokenEnv or tokenFile/);
  });

  it('a credential without a secret source, and a password without a username', () => {
    assert.equal(configError({ credentials: { none: { username: 'u' } } }).field, 'credentials.none');
    const e = configError({ credentials: { pw: { passwordEnv: 'PW' } } });
    assert.match(e.message, /credentials\.pw: a username\/password credential needs a username/);
  });

  it('a literal secret in a credential is an unknown key', () => {
    const e = configError({ credentials: { lit: { username: 'u', password: 'hunter2-literal', passwordEnv: 'X' } } });
    assert.match(e.message, /credentials\.lit/);
    assert.match(e.message, /"password"/);
    assert.ok(!e.message.includes('hunter2-literal'));
  });

  it('a host that references an unknown credentials id', () => {
    const e = configError({
      remoteHosts: [
        { name: 'ok', url: 'http://ok.example' },
        { name: 'bad', url: 'http://bad.example', auth: { type: 'CredentialsAuth', credentials: 'ghost' } },
      ],
    });
    assert.equal(e.field, 'remoteHosts[1].auth.credentials');
    assert.match(e.message, /remoteHosts\[1\]\.auth: unknown credentials id 'ghost'/);
    const token = configError({ remoteHosts: [{ name: 'a', url: 'http://a.example', auth: { type: 'TokenAuth', userName: 'u', credentials: 'ghost' } }] });
    assert.match(token.message, /unknown credentials id 'ghost'/);
  });

  it('a literal secret in a host auth is rejected without repeating it', () => {
    const e = configError({ remoteHosts: [{ name: 'a', url: 'http://a.example', auth: { type: 'BearerTokenAuth', token: 'literal-bearer-value' } }] });
    assert.match(e.message, /remoteHosts\[0\]\.auth\.token/);
    assert.ok(!e.message.includes('literal-bearer-value'));
  });

  it('an unknown top-level key and an empty host name', () => {
    assert.match(configError({ remoteHost: [] }).message, /remoteHost/);
    assert.equal(configError({ remoteHosts: [{ name: ' ', url: 'http://a.example' }] }).field, 'remoteHosts[0].name');
  });

  it('uses the source name it is given as prefix', () => {
    const e = configError({ remoteHosts: [{ name: 'a', url: 'x' }] }, 'ci.yaml');
    assert.equal(e.field, 'remoteHosts[0].url');
    assert.match(e.message, /^ci\.yaml: remoteHosts\[0\]\.url/);
    assert.ok(!e.message.includes('temporal.yaml'), e.message);
    // The check of credentials references too.
    const ref = configError({ remoteHosts: [{ name: 'a', url: 'http://a.example', auth: { type: 'CredentialsAuth', credentials: 'ghost' } }] }, 'ci.yaml');
    assert.match(ref.message, /^ci\.yaml: remoteHosts\[0\]\.auth: unknown credentials id 'ghost'/);
    // Without one: temporal.yaml.
    assert.match(configError({ remoteHosts: [{ name: 'a', url: 'x' }] }).message, /^temporal\.yaml: remoteHosts\[0\]\.url/);
  });
});

describe('loadConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rt-config-'));
    writeFileSync(path.join(dir, 'good.yaml'), 'remoteHosts:\n  - name: a\n    url: http://a.example\n');
    writeFileSync(path.join(dir, 'bad.yaml'), 'remoteHosts: [\n  - : :\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an explicit file', async () => {
    const { config, path: p } = await loadConfig(path.join(dir, 'good.yaml'), dir);
    assert.equal(p, path.join(dir, 'good.yaml'));
    assert.equal(config.remoteHosts[0]!.name, 'a');
  });

  it('a missing explicit file is an error, invalid YAML names the file', async () => {
    await assert.rejects(loadConfig(path.join(dir, 'missing.yaml'), dir), (e: unknown) => e instanceof OptionsError && /configuration file not found/.test(e.message));
    await assert.rejects(loadConfig(path.join(dir, 'bad.yaml'), dir), (e: unknown) => e instanceof OptionsError && e.message.includes('bad.yaml: not valid YAML'));
  });
});
