import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemoteTriggerError } from '../../src/handle.js';
import { Harness } from '../support/harness.js';
import { selfSignedCert } from '../support/tls.js';

/**
 * trustAllCertificates and overrideTrustAllCertificates against the emulator over HTTPS with a
 * self-signed certificate: verification is on unless the host's configuration (or the
 * job-level flag with the override, as in the plugin) says otherwise.
 */
describe('TLS verification (trustAllCertificates, overrideTrustAllCertificates)', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      tls: selfSignedCert(),
      scenario: { jobs: [{ name: 'secure', build: { durationMs: 200 } }] },
      config: (url) => ({
        remoteHosts: [
          { name: 'verified', url },
          { name: 'self-signed-ok', url, trustAllCertificates: true },
        ],
      }),
    });
  });
  after(() => h?.teardown());

  const run = (options: Record<string, unknown>) => h.start({ remoteJenkinsUrl: undefined, job: 'secure', ...options });

  test('the emulator really serves HTTPS', () => {
    assert.match(h.emulator.url, /^https:\/\//);
  });

  test('by default the self-signed certificate is refused: a TLS error, not retried, nothing sent', async () => {
    const handle = await run({ remoteJenkinsName: 'verified' });
    await assert.rejects(handle.result(), (e: unknown) => {
      assert.ok(e instanceof RemoteTriggerError);
      assert.equal(e.type, 'JenkinsRejected');
      assert.match(e.message, /certificate/i);
      return true;
    });
    assert.equal(h.emulator.requests().length, 0, 'no request got through the TLS handshake');
  });

  test('the host setting trustAllCertificates accepts it', async () => {
    const s = await (await run({ remoteJenkinsName: 'self-signed-ok' })).result();
    assert.equal(s.result, 'SUCCESS');
  });

  test('job-level trustAllCertificates counts only with overrideTrustAllCertificates (as in the plugin)', async () => {
    const ignored = await run({ remoteJenkinsName: 'verified', trustAllCertificates: true });
    await assert.rejects(ignored.result(), /certificate/i);
    const s = await (await run({ remoteJenkinsName: 'verified', trustAllCertificates: true, overrideTrustAllCertificates: true })).result();
    assert.equal(s.result, 'SUCCESS');
    // …and the override can also turn verification back on for a host that trusts all.
    const strict = await run({ remoteJenkinsName: 'self-signed-ok', trustAllCertificates: false, overrideTrustAllCertificates: true });
    await assert.rejects(strict.result(), /certificate/i);
  });
});
