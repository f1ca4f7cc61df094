// remoteHosts[].useCrumbCache and useJobInfoCache: the default of the step's options for
// triggers that name the host (README, "Configuration"); the step's own value wins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiTriggerInput } from '../../src/edge/input.js';
import { parseConfig } from '../../src/options/config.js';
import { resolveCaches } from '../../src/options/resolve.js';
import { buildTriggerInput, parseStepOptions } from '../../src/options/trigger-input.js';

const config = parseConfig({
  remoteHosts: [
    { name: 'cached', url: 'http://cached.example:8080', useCrumbCache: true, useJobInfoCache: true },
    { name: 'crumbs-only', url: 'http://crumbs.example:8080', useCrumbCache: true },
    { name: 'off', url: 'http://off.example:8080', useCrumbCache: false, useJobInfoCache: false },
    { name: 'plain', url: 'http://plain.example:8080' },
  ],
});

const caches = async (raw: Record<string, unknown>) => {
  const t = await buildTriggerInput({ job: 'demo', ...raw }, { config, triggerId: 'test-id' });
  return { useCrumbCache: t.useCrumbCache, useJobInfoCache: t.useJobInfoCache };
};

describe('remoteHosts[].useCrumbCache / useJobInfoCache', () => {
  it('the schema keeps them', () => {
    const [cached, crumbsOnly, , plain] = config.remoteHosts;
    assert.equal(cached?.useCrumbCache, true);
    assert.equal(cached?.useJobInfoCache, true);
    assert.equal(crumbsOnly?.useJobInfoCache, undefined);
    assert.equal(plain?.useCrumbCache, undefined);
  });

  it("a host's setting is the default for a trigger naming it", async () => {
    assert.deepEqual(await caches({ remoteJenkinsName: 'cached' }), { useCrumbCache: true, useJobInfoCache: true });
    assert.deepEqual(await caches({ remoteJenkinsName: 'crumbs-only' }), { useCrumbCache: true, useJobInfoCache: false });
  });

  it("the step's own value wins over the host's, either way", async () => {
    assert.deepEqual(await caches({ remoteJenkinsName: 'cached', useCrumbCache: false, useJobInfoCache: false }), {
      useCrumbCache: false,
      useJobInfoCache: false,
    });
    assert.deepEqual(await caches({ remoteJenkinsName: 'off', useCrumbCache: true }), { useCrumbCache: true, useJobInfoCache: false });
  });

  it('without a host setting, or without a named host, both stay off', async () => {
    assert.deepEqual(await caches({ remoteJenkinsName: 'plain' }), { useCrumbCache: false, useJobInfoCache: false });
    assert.deepEqual(await caches({ remoteJenkinsName: 'off' }), { useCrumbCache: false, useJobInfoCache: false });
    assert.deepEqual(await caches({ remoteJenkinsUrl: 'http://cached.example:8080' }), { useCrumbCache: false, useJobInfoCache: false });
  });

  it('the named host applies with remoteJenkinsUrl or a full job URL too (like its maxConn)', async () => {
    assert.deepEqual(await caches({ remoteJenkinsName: 'cached', remoteJenkinsUrl: 'http://other.example' }), {
      useCrumbCache: true,
      useJobInfoCache: true,
    });
    assert.deepEqual(await caches({ remoteJenkinsName: 'cached', job: 'http://cached.example:8080/job/demo/' }), {
      useCrumbCache: true,
      useJobInfoCache: true,
    });
  });

  it('the HTTP API resolves them the same way', () => {
    const t = apiTriggerInput({ job: 'demo', remoteJenkinsName: 'cached', useJobInfoCache: false }, { config, triggerId: 'api-id' });
    assert.equal(t.useCrumbCache, true);
    assert.equal(t.useJobInfoCache, false);
  });

  it('resolveCaches reads the step options as parsed', () => {
    assert.deepEqual(resolveCaches(parseStepOptions({ job: 'demo', remoteJenkinsName: 'crumbs-only' }), config), {
      useCrumbCache: true,
      useJobInfoCache: false,
    });
  });
});
