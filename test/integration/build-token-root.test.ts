import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness } from '../support/harness.js';

/** hasBuildTokenRootSupport: trigger through /buildByToken/… with only the job token (docs/jenkins.md §7.6). */
describe('Build Token Root', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [{ name: 'folder/tokened', token: 'btr-token', parameters: [{ name: 'P' }], build: { durationMs: 300 } }],
        // Anonymous users may read but not build: only the token lets them trigger.
        security: { anonymousRead: true, anonymousBuild: false, users: [{ name: 'admin', password: 'x' }] },
      },
      config: (url) => ({ remoteHosts: [{ name: 'btr', url, hasBuildTokenRootSupport: true }, { name: 'plain', url }], secretEnvAllow: ['RT_BTR_TOKEN'] }),
      worker: false,
    });
    await h.startWorker({ env: { ...process.env, RT_BTR_TOKEN: 'btr-token' } });
  });
  after(() => h?.teardown());

  test('the POST goes to <root>/buildByToken/buildWithParameters?job=<name>&token=…, without a crumb', async () => {
    const crumbsBefore = h.emulator.requests({ pathPrefix: '/crumbIssuer' }).length;
    const s = await (await h.start({ remoteJenkinsUrl: undefined, remoteJenkinsName: 'btr', job: 'folder/tokened', parameters: { P: 'x' }, token: { env: 'RT_BTR_TOKEN' } })).result();
    assert.equal(s.result, 'SUCCESS');
    const post = h.emulator.requests({ method: 'POST' }).at(-1)!;
    assert.equal(post.path, '/buildByToken/buildWithParameters');
    assert.equal(post.query.job, 'folder/tokened');
    assert.equal(post.query.token, '***');
    assert.equal(post.status, 201);
    assert.equal(h.emulator.requests({ pathPrefix: '/crumbIssuer' }).length, crumbsBefore);
    assert.equal(h.emulator.builds('folder/tokened').at(-1)!.parameters.P, 'x');
  });

  test('the same trigger without Build Token Root is refused for an anonymous caller', async () => {
    const handle = await h.start({ remoteJenkinsUrl: undefined, remoteJenkinsName: 'plain', job: 'folder/tokened', parameters: { P: 'y' } });
    await assert.rejects(handle.result(), /403/);
  });
});
