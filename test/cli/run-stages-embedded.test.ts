import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { isolatedEnv, killEmbeddedServer, runCli, staleDistSource } from '../support/cli.js';
import { requireTemporalCli } from '../support/temporal.js';

/**
 * `remote-trigger run` in the embedded mode: the local service's worker runs the stage run; the
 * file is checked against the service's configuration (host names) before anything starts.
 */
describe('remote-trigger run on the local service (embedded mode)', () => {
  let emulator: JenkinsEmulator;
  const root = mkdtempSync(path.join(os.tmpdir(), 'remote-trigger-run-embedded-'));
  const stateDir = path.join(root, 'state');
  const env = { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: stateDir, PATH: `${path.dirname(requireTemporalCli())}${path.delimiter}${process.env.PATH}` };
  const cli = (args: string[]) => runCli({ args, env, cwd: root, timeoutMs: 180_000 });

  before(async () => {
    const stale = staleDistSource();
    if (stale) throw new Error(`dist/ is older than ${stale}: run \`npm run build\` first`);
    emulator = new JenkinsEmulator({
      port: 0,
      scenario: { jobs: [{ name: 'build', build: { durationMs: 300 } }, { name: 'deploy', parameters: [{ name: 'UPSTREAM' }], build: { durationMs: 300 } }] },
    });
    await emulator.start();
    writeFileSync(path.join(root, 'temporal.yaml'), `remoteHosts:\n  - name: ci\n    url: ${emulator.url}\n`);
  });
  after(async () => {
    await runCli({ args: ['service', 'stop'], env, cwd: root, timeoutMs: 60_000 }).catch(() => undefined);
    killEmbeddedServer(stateDir);
    await emulator?.stop();
  });

  test('an unknown host name is refused before anything starts (exit 2, no service)', async () => {
    writeFileSync(path.join(root, 'bad.yaml'), 'stages:\n  - name: one\n    triggers:\n      - { id: a, job: build, remoteJenkinsName: nope }\n');
    const r = await cli(['run', 'bad.yaml', '--json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { error: { field: string } }).error.field, 'stages[0].triggers[0].remoteJenkinsName');
    assert.equal(existsSync(path.join(stateDir, 'service.json')), false, 'no local service was started');
  });

  test('a stage run on the local service', async () => {
    writeFileSync(
      path.join(root, 'ok.yaml'),
      'remoteJenkinsName: ci\npollInterval: 1\nstages:\n  - name: one\n    triggers:\n      - { id: b, job: build }\n  - name: two\n    triggers:\n      - { id: d, job: deploy, parameters: { UPSTREAM: "${{ one.b.buildNumber }}" } }\n',
    );
    const r = await cli(['run', 'ok.yaml', '--json', '--id', 'embedded-run']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { result: string; stages: Array<{ triggers: Array<{ buildNumber: number }> }> };
    assert.equal(out.result, 'SUCCESS');
    assert.equal(emulator.builds('deploy')[0]?.parameters.UPSTREAM, String(out.stages[0]!.triggers[0]!.buildNumber));
    const status = await cli(['status', 'embedded-run', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { result: string }).result, 'SUCCESS');
  });
});
