import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isolatedEnv, runCli } from '../support/cli.js';

// The CLI accepts the completion webhook too; --dry-run shows what goes into the workflow input.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-notify-'));
const dryRun = (extra: string[]) =>
  runCli({ args: ['trigger', '--job', 'x', '--remote-jenkins-url', 'http://127.0.0.1:9', '--id', 'n-1', '--dry-run', ...extra], env: { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: tmp }, cwd: tmp });

test('--notify-url URL --notify-secret-env VAR: a webhook in the workflow input, the secret by reference', async () => {
  const r = await dryRun(['--notify-url', 'https://hooks.example.com/done', '--notify-secret-env', 'HOOK_SECRET']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { notify: unknown }).notify, [{ url: 'https://hooks.example.com/done', secret: { env: 'HOOK_SECRET' } }]);
});

test('without webhooks the input has no notify key (old workflow path)', async () => {
  const r = await dryRun([]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!('notify' in (JSON.parse(r.stdout) as object)));
});

test('--notify-url without a secret, or a URL that is not http(s): exit 2', async () => {
  const noSecret = await dryRun(['--notify-url', 'https://hooks.example.com/done']);
  assert.equal(noSecret.code, 2);
  assert.match(noSecret.stderr, /--notify-secret-env/);
  const bad = await dryRun(['--notify-url', 'ftp://hooks.example.com/done', '--notify-secret-env', 'HOOK_SECRET']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /notify\[0\]\.url/);
});
