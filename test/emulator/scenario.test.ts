import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoScenario, JenkinsEmulator, loadScenarioFile, startEmulatorFromCli } from '../../src/emulator/index.js';
import { getJson } from '../support/emulator.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emulator-scenario-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('loads YAML and JSON scenarios', async (t) => {
  const dir = await tempDir(t);
  const yamlFile = join(dir, 'scenario.yaml');
  await writeFile(
    yamlFile,
    [
      'executors: 1',
      'jobs:',
      '  - name: team/deploy',
      '    parameters:',
      '      - { name: ENV, type: choice, choices: [dev, prod] }',
      '    build: { durationMs: 500, result: UNSTABLE, consoleLines: 3 }',
      'scripts:',
      '  fail: { result: FAILURE }',
    ].join('\n'),
  );
  const scenario = await loadScenarioFile(yamlFile);
  assert.equal(scenario.executors, 1);
  assert.equal(scenario.jobs[0]?.build?.result, 'UNSTABLE');

  const jsonFile = join(dir, 'scenario.json');
  await writeFile(jsonFile, JSON.stringify({ jobs: [{ name: 'plain' }] }));
  assert.deepEqual(await loadScenarioFile(jsonFile), { jobs: [{ name: 'plain' }] });
});

test('invalid scenarios name the offending field', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'jobs:\n  - name: a\n    build: { duration: 5 }\n');
  await assert.rejects(loadScenarioFile(file), /jobs\.0\.build.*duration/s);
  await writeFile(file, 'jobs:\n  - name: a\n    parameters: [{ name: X, type: choice }]\n');
  await assert.rejects(loadScenarioFile(file), /jobs\.0\.parameters\.0\.choices/);
  await writeFile(file, 'jobs: [{ name: a }, { name: a }]\n');
  await assert.rejects(loadScenarioFile(file), /duplicate job name "a"/);
  assert.throws(() => new JenkinsEmulator({ scenario: { jobs: [{ name: '/x' }] } }), /jobs\.0\.name/);
});

test('demoScenario and startEmulatorFromCli', async (t) => {
  const emulator = await startEmulatorFromCli({ port: 0, publicUrl: 'https://ci.example.org/jenkins' });
  t.after(() => emulator.stop());
  const root = await getJson(`${emulator.url}/api/json`);
  assert.deepEqual(
    root.jobs.map((j: { name: string }) => j.name),
    ['demo', 'flaky', 'plain', 'team', 'unstable'],
  );
  const demo = await getJson(`${emulator.url}/job/demo/api/json`);
  assert.equal(demo.url, 'https://ci.example.org/jenkins/job/demo/');
  assert.deepEqual(
    demo.property[0].parameterDefinitions.map((d: { name: string; type: string }) => [d.name, d.type]),
    [
      ['BRANCH', 'StringParameterDefinition'],
      ['DRY_RUN', 'BooleanParameterDefinition'],
    ],
  );
  assert.ok(demoScenario.jobs.some((j) => j.name === 'team/deploy'));
});
