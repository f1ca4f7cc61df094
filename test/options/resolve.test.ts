import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConfigInput, parseConfig } from '../../src/options/config.js';
import { OptionsError } from '../../src/options/errors.js';
import { type Target, resolveTarget } from '../../src/options/resolve.js';
import { parseStepOptions } from '../../src/options/trigger-input.js';

const MISSING_HOST = 'Configuration of the remote Jenkins host is missing.';

const configInput: ConfigInput = {
  remoteHosts: [
    {
      name: 'main',
      url: 'https://jenkins.example.com/ci/',
      auth: { type: 'CredentialsAuth', credentials: 'main-cred' },
      maxConn: 3,
      hasBuildTokenRootSupport: true,
      markerParameter: 'MAIN_MARKER',
    },
    {
      name: 'aliased',
      url: 'http://aliased.example:8080',
      auth: { type: 'TokenAuth', userName: 'bot', apiTokenEnv: 'ALIASED_TOKEN' },
      credentialOrigins: ['https://aliased-2.example'],
      trustAllCertificates: true,
    },
    { name: 'plain', url: 'http://plain.example' },
  ],
  credentials: {
    'main-cred': { username: 'ci', passwordEnv: 'MAIN_PASSWORD' },
    'job-cred': { tokenEnv: 'JOB_BEARER' },
  },
};
const config = parseConfig(configInput);
const noHosts = parseConfig({});

const resolve = (raw: Record<string, unknown>, cfg = config): Target => resolveTarget(parseStepOptions(raw), cfg);

function resolveError(raw: Record<string, unknown>, cfg = config): OptionsError {
  try {
    resolve(raw, cfg);
  } catch (e) {
    assert.ok(e instanceof OptionsError, `expected an OptionsError, got ${(e as Error)?.name}: ${String(e)}`);
    return e;
  }
  assert.fail('expected an OptionsError, nothing was thrown');
}

describe('resolveTarget: testJobUrlHandling_*', () => {
  it('withoutServer: a job name and no host → "Configuration of the remote Jenkins host is missing."', () => {
    const e = resolveError({ job: 'MyJob' }, noHosts);
    assert.equal(e.message, MISSING_HOST);
    assert.equal(e.field, 'remoteJenkinsName');
    // hosts exist but none is named: still missing
    assert.equal(resolveError({ job: 'MyJob' }).message, MISSING_HOST);
  });

  it('withJobNameAndRemoteUrl: the root comes from remoteJenkinsUrl', () => {
    const t = resolve({ job: 'MyJob', remoteJenkinsUrl: 'http://test:8080' }, noHosts);
    assert.equal(t.root, 'http://test:8080');
    assert.equal(t.jobUrl, 'http://test:8080/job/MyJob');
    assert.equal(t.hostName, null);
    assert.deepEqual(t.auth, { kind: 'none' });
  });

  it('withJobNameAndRemoteName: the root and settings come from the named host', () => {
    const t = resolve({ job: 'MyJob', remoteJenkinsName: 'main' });
    assert.equal(t.root, 'https://jenkins.example.com/ci');
    assert.equal(t.jobUrl, 'https://jenkins.example.com/ci/job/MyJob');
    assert.equal(t.hostName, 'main');
    assert.deepEqual(t.auth, { kind: 'credentials', credentials: 'main-cred' });
    assert.equal(t.authSource, 'host');
    assert.equal(t.buildTokenRoot, true);
    assert.equal(t.markerParameter, 'MAIN_MARKER');
  });

  it('withMultiFolderJobNameAndRemoteName: A/B/C/D/MyJob gets a /job/ per level under the host root', () => {
    const t = resolve({ job: 'A/B/C/D/MyJob', remoteJenkinsName: 'plain' });
    assert.equal(t.root, 'http://plain.example');
    assert.equal(t.jobUrl, 'http://plain.example/job/A/job/B/job/C/job/D/job/MyJob');
  });

  it('withJobUrl: the root is cut from a full job URL', () => {
    const t = resolve({ job: 'http://test:8080/job/folder/job/MyJob' }, noHosts);
    assert.equal(t.root, 'http://test:8080');
    assert.equal(t.jobUrl, 'http://test:8080/job/folder/job/MyJob');
    assert.equal(t.hostName, null);
    assert.deepEqual(t.auth, { kind: 'none' });
    assert.equal(t.markerParameter, 'REMOTE_TRIGGER_ID');
  });

  it('withJobUrlAndRemoteUrl: the job URL beats remoteJenkinsUrl', () => {
    const t = resolve({ job: 'http://test:8080/job/folder/job/MyJob', remoteJenkinsUrl: 'http://other:9090' }, noHosts);
    assert.equal(t.root, 'http://test:8080');
    assert.equal(t.jobUrl, 'http://test:8080/job/folder/job/MyJob');
  });

  it('withJobUrlAndRemoteName: the job URL beats the named host address', () => {
    const t = resolve({ job: 'http://test:8080/job/folder/job/MyJob', remoteJenkinsName: 'main' });
    assert.equal(t.root, 'http://test:8080');
    assert.equal(t.jobUrl, 'http://test:8080/job/folder/job/MyJob');
    assert.equal(t.hostName, 'main');
    // other origin: the host's credentials do not go there
    assert.deepEqual(t.auth, { kind: 'none' });
    assert.equal(t.authSource, 'none');
    // the host's other settings still apply
    assert.equal(t.maxConn, 3);
    assert.equal(t.buildTokenRoot, true);
  });

  it('view URLs: the root is cut before /view/, the job URL is kept', () => {
    const t = resolve({ job: 'http://h/view/v/job/x' }, noHosts);
    assert.equal(t.root, 'http://h');
    assert.equal(t.jobUrl, 'http://h/view/v/job/x');
    const nested = resolve({ job: 'https://h:8443/jenkins/view/all/view/sub/job/f/job/x/' }, noHosts);
    assert.equal(nested.root, 'https://h:8443/jenkins');
    assert.equal(nested.jobUrl, 'https://h:8443/jenkins/view/all/view/sub/job/f/job/x');
  });

  it('trailing slashes on the root and on a job URL are removed (quirk 13)', () => {
    assert.equal(resolve({ job: 'x', remoteJenkinsUrl: 'http://test:8080///' }, noHosts).jobUrl, 'http://test:8080/job/x');
    assert.equal(resolve({ job: 'x', remoteJenkinsUrl: 'http://test:8080///' }, noHosts).root, 'http://test:8080');
    const t = resolve({ job: 'http://test:8080/job/folder/job/MyJob//' }, noHosts);
    assert.equal(t.jobUrl, 'http://test:8080/job/folder/job/MyJob');
    assert.equal(t.root, 'http://test:8080');
  });

  it('encodes each job name segment (spaces, already escaped multibranch names)', () => {
    assert.equal(resolve({ job: 'Folder/My Job', remoteJenkinsName: 'plain' }).jobUrl, 'http://plain.example/job/Folder/job/My%20Job');
    assert.equal(resolve({ job: 'repo/feature%2Ffoo', remoteJenkinsName: 'plain' }).jobUrl, 'http://plain.example/job/repo/job/feature%252Ffoo');
  });

  for (const job of ['/MyJob', 'A//B', 'A/B/']) {
    it(`rejects the job name ${JSON.stringify(job)} (empty path segment)`, () => {
      const e = resolveError({ job, remoteJenkinsName: 'plain' });
      assert.equal(e.field, 'job');
      assert.match(e.message, /empty path segment/);
    });
  }

  it('rejects a URL job without /job/', () => {
    const e = resolveError({ job: 'http://h:8080/foo' }, noHosts);
    assert.equal(e.field, 'job');
    assert.equal(e.message, "Expected '/job/' element in job URL but was: http://h:8080/foo");
  });

  for (const job of ['http://h:8080/job/', 'http://h:8080/view/v/job/']) {
    it(
      `rejects the job URL ${job} (nothing after /job/) with an OptionsError`,
      () => {
        const e = resolveError({ job }, noHosts);
        assert.equal(e.field, 'job');
        assert.match(e.message, /Expected '\/job\/' element/);
      },
    );
  }
});

describe('resolveTarget: testEvaluateEffectiveRemoteHost_*', () => {
  it('remoteUrlOverridesRemoteName: the address is replaced, the auth kept on the same origin', () => {
    const t = resolve({ job: 'MyJob', remoteJenkinsName: 'main', remoteJenkinsUrl: 'https://jenkins.example.com/other-context/' });
    assert.equal(t.root, 'https://jenkins.example.com/other-context');
    assert.equal(t.jobUrl, 'https://jenkins.example.com/other-context/job/MyJob');
    assert.equal(t.hostName, 'main');
    assert.deepEqual(t.auth, { kind: 'credentials', credentials: 'main-cred' });
    assert.equal(t.authSource, 'host');
    assert.equal(t.maxConn, 3);
  });

  it('remoteJenkinsUrl on another origin: the named host credentials are not sent there', () => {
    for (const url of ['http://jenkins.example.com/ci', 'https://jenkins.example.com:8443/ci', 'https://evil.example/ci']) {
      const t = resolve({ job: 'MyJob', remoteJenkinsName: 'main', remoteJenkinsUrl: url });
      assert.equal(t.root, url);
      assert.deepEqual(t.auth, { kind: 'none' }, url);
      assert.equal(t.authSource, 'none', url);
      assert.equal(t.hostName, 'main');
    }
  });

  it('credentialOrigins lets the host credentials go to a listed second origin, by job URL or remoteJenkinsUrl', () => {
    const token = { kind: 'token', userName: 'bot', secret: { env: 'ALIASED_TOKEN' } };
    assert.deepEqual(resolve({ job: 'https://aliased-2.example/job/x', remoteJenkinsName: 'aliased' }).auth, token);
    assert.deepEqual(resolve({ job: 'x', remoteJenkinsName: 'aliased', remoteJenkinsUrl: 'https://aliased-2.example/' }).auth, token);
    assert.deepEqual(resolve({ job: 'http://aliased.example:8080/job/x', remoteJenkinsName: 'aliased' }).auth, token);
    assert.deepEqual(resolve({ job: 'http://aliased-2.example/job/x', remoteJenkinsName: 'aliased' }).auth, { kind: 'none' });
  });

  it('job-level auth wins over the host auth, wherever the job goes', () => {
    const t = resolve({ job: 'http://elsewhere.example/job/x', remoteJenkinsName: 'main', auth: { type: 'BearerTokenAuth', credentials: 'job-cred' } });
    assert.deepEqual(t.auth, { kind: 'bearer', secret: { credentials: 'job-cred' } });
    assert.equal(t.authSource, 'job');
    const none = resolve({ job: 'MyJob', remoteJenkinsName: 'main', auth: { type: 'NoneAuth' } });
    assert.deepEqual(none.auth, { kind: 'none' });
    assert.equal(none.authSource, 'job');
    const nul = resolve({ job: 'MyJob', remoteJenkinsName: 'main', auth: { type: 'NullAuth' } });
    assert.deepEqual(nul.auth, { kind: 'credentials', credentials: 'main-cred' });
  });

  it('globalConfigMissing: an unknown remoteJenkinsName gives the plugin message', () => {
    const e = resolveError({ job: 'MyJob', remoteJenkinsName: 'nope' });
    assert.equal(e.field, 'remoteJenkinsName');
    assert.equal(
      e.message,
      "Could get remote host with ID 'nope' configured in Jenkins global configuration. Please check your global configuration.",
    );
  });

  it('remoteJenkinsName is exact and case-sensitive', () => {
    assert.match(resolveError({ job: 'MyJob', remoteJenkinsName: 'Main' }).message, /Could get remote host with ID 'Main'/);
    assert.equal(resolve({ job: 'MyJob', remoteJenkinsName: '  main  ' }).hostName, 'main');
  });

  it('globalConfigMissing_localOverrideHostURL: tolerated when remoteJenkinsUrl gives the root', () => {
    const t = resolve({ job: 'MyJob', remoteJenkinsName: 'nope', remoteJenkinsUrl: 'http://override:8080' });
    assert.equal(t.root, 'http://override:8080');
    assert.equal(t.jobUrl, 'http://override:8080/job/MyJob');
    assert.equal(t.hostName, null);
  });

  it('globalConfigMissing_localOverrideJobURL: tolerated when the job is a full URL', () => {
    const t = resolve({ job: 'http://override:8080/job/MyJob', remoteJenkinsName: 'nope' });
    assert.equal(t.root, 'http://override:8080');
    assert.equal(t.hostName, null);
  });

  it('localOverrideHostURL: a valid override is used', () => {
    assert.equal(resolve({ job: 'MyJob', remoteJenkinsUrl: 'https://override.example/jenkins' }, noHosts).jobUrl, 'https://override.example/jenkins/job/MyJob');
  });

  for (const url of ['hostname:8080', 'ftp://x/y', 'http://', 'http://h/${X}', 'www.example.com']) {
    it(`localOverrideHostURLWrong: remoteJenkinsUrl ${JSON.stringify(url)} is no valid URL`, () => {
      const e = resolveError({ job: 'MyJob', remoteJenkinsUrl: url }, noHosts);
      assert.equal(e.field, 'remoteJenkinsUrl');
      assert.equal(e.message, `The 'Override remote host URL' parameter value (remoteJenkinsUrl: '${url}') is no valid URL`);
    });
  }

  it('an invalid remoteJenkinsUrl fails even when the job is a full URL', () => {
    assert.equal(resolveError({ job: 'http://test:8080/job/x', remoteJenkinsUrl: 'hostname:8080' }, noHosts).field, 'remoteJenkinsUrl');
  });

  it('overrideTrustAllCertificates: the job flag wins only with the override', () => {
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'aliased' }).trustAllCertificates, true);
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'aliased', trustAllCertificates: false }).trustAllCertificates, true);
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'aliased', trustAllCertificates: false, overrideTrustAllCertificates: true }).trustAllCertificates, false);
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'plain', trustAllCertificates: true }).trustAllCertificates, false);
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'plain', trustAllCertificates: true, overrideTrustAllCertificates: true }).trustAllCertificates, true);
    assert.equal(resolve({ job: 'x', remoteJenkinsUrl: 'http://h', trustAllCertificates: true }, noHosts).trustAllCertificates, false);
  });

  it('maxConn comes from the host when it sets one, else from the options', () => {
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'main', maxConn: 5 }).maxConn, 3);
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'plain', maxConn: 4 }).maxConn, 4);
    assert.equal(resolve({ job: 'x', remoteJenkinsUrl: 'http://h' }, noHosts).maxConn, 1);
    const clamped = parseConfig({ remoteHosts: [{ name: 'big', url: 'http://big.example', maxConn: 50 }] });
    assert.equal(resolve({ job: 'x', remoteJenkinsName: 'big' }, clamped).maxConn, 5);
  });

  it('an unknown credentials id in the job auth is an error naming the field', () => {
    const e = resolveError({ job: 'x', remoteJenkinsName: 'plain', auth: { type: 'CredentialsAuth', credentials: 'ghost' } });
    assert.equal(e.field, 'auth.credentials');
    assert.match(e.message, /unknown credentials id 'ghost'/);
    const t = resolveError({ job: 'x', remoteJenkinsName: 'plain', auth: { type: 'TokenAuth', userName: 'u', credentials: 'ghost' } });
    assert.equal(t.field, 'auth.credentials');
    // a known id passes
    assert.deepEqual(resolve({ job: 'x', remoteJenkinsName: 'plain', auth: { type: 'CredentialsAuth', credentials: 'job-cred' } }).auth, {
      kind: 'credentials',
      credentials: 'job-cred',
    });
  });
});
