import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DENO, runProcess } from '../support/processes.js';

// The Deno entry, like `serve`, does not start without a token (it has no --no-auth at all).
const env = { PATH: process.env.PATH, HOME: process.env.HOME, DENO_NO_UPDATE_CHECK: '1', PORT: '0', TEMPORAL_HTTP_URL: 'http://127.0.0.1:9' };

test('no token configured: the Deno entry exits with 2 and serves nothing', async () => {
  const r = await runProcess(DENO, ['run', '-A', 'src/edge/deno.ts'], env);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /no token configured/);
  assert.doesNotMatch(r.out, /listening/);
});

test('no TEMPORAL_HTTP_URL: exit 2 naming it', async () => {
  const r = await runProcess(DENO, ['run', '-A', 'src/edge/deno.ts'], { ...env, TEMPORAL_HTTP_URL: '', REMOTE_TRIGGER_API_TOKENS: 't' });
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /TEMPORAL_HTTP_URL is not set/);
});

test('an invalid REMOTE_TRIGGER_CONFIG_YAML: exit 2 naming the field', async () => {
  const r = await runProcess(DENO, ['run', '-A', 'src/edge/deno.ts'], { ...env, REMOTE_TRIGGER_API_TOKENS: 't', REMOTE_TRIGGER_CONFIG_YAML: 'remoteHosts:\n  - name: ci\n    url: ftp://x\n' });
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /remoteHosts\[0\]\.url/);
});
