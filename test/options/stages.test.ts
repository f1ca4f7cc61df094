import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { StagesError, checkStagesFile, evaluateCondition, parseCondition, triggerOptions, type StageValues } from '../../src/options/stages.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const v = (result: string, buildNumber: number, failed = false) => ({ result, buildNumber, buildUrl: `http://j/job/x/${buildNumber}/`, queueId: 7, status: 'FINISHED', failed });

describe('stage files: checks, references and conditions (pure, as the workflow runs them)', () => {
  test('the example stage file is valid', () => {
    const data = parseYaml(readFileSync(path.join(root, 'examples', 'release-train.stages.yaml'), 'utf8'));
    const { file, defaults } = checkStagesFile(data);
    assert.equal(file.stages.length, 5);
    assert.deepEqual(defaults, { remoteJenkinsName: 'ci', pollInterval: 10, abortTriggeredJob: true });
  });

  test('references are replaced in every string, defaults merged under the trigger', () => {
    const values: StageValues = { build: { app: v('SUCCESS', 42) } };
    const o = triggerOptions(
      { remoteJenkinsName: 'ci', pollInterval: 5 },
      { id: 'd', job: 'deploy', pollInterval: 1, parameters: { A: '${{ build.app.buildNumber }}', B: 'r=${{build.app.result}}/${{ build.app.queueId }}' } },
      values,
      'stages[1].triggers[0]',
    );
    assert.deepEqual(o, { remoteJenkinsName: 'ci', pollInterval: 1, job: 'deploy', parameters: { A: '42', B: 'r=SUCCESS/7' } });
    // A trigger that did not run has no value: an error naming the field.
    assert.throws(
      () => triggerOptions({}, { id: 'd', job: 'x', parameters: { A: '${{ test.t.buildNumber }}' } }, values, 'stages[2].triggers[0]'),
      (e: unknown) => e instanceof StagesError && e.field === 'stages[2].triggers[0].parameters.A',
    );
  });

  test('conditions: functions, comparisons, && || ! and parentheses; nothing is eval-ed', () => {
    const values: StageValues = { build: { app: v('UNSTABLE', 3), docs: v('FAILURE', 4, true) } };
    const ev = (c: string, failed = true) => evaluateCondition(parseCondition(c), values, failed);
    assert.equal(ev('success()'), false);
    assert.equal(ev('failure()'), true);
    assert.equal(ev('always()'), true);
    assert.equal(ev("build.app.result == 'UNSTABLE'"), true);
    assert.equal(ev('build.app.buildNumber == 3 && !(build.docs.result != "FAILURE")'), true);
    assert.equal(ev("build.app.result == 'SUCCESS' || success()"), false);
    for (const bad of ["build.app.result = 'x'", 'process.exit(1)', "require('fs')", '(always()', '']) {
      assert.throws(() => parseCondition(bad), Error, bad);
    }
  });

  test('every problem names its path in the file', () => {
    const base = (): { remoteJenkinsName: string; stages: Array<{ name: string; when?: string; triggers: Array<Record<string, unknown>> }> } => ({
      remoteJenkinsName: 'ci',
      stages: [
        { name: 'a', triggers: [{ id: 'x', job: 'j' }] },
        { name: 'b', when: 'a.x.result == "SUCCESS"', triggers: [{ id: 'y', job: 'j', parameters: { N: '${{ a.x.buildNumber }}' } }] },
      ],
    });
    const field = (mutate: (f: ReturnType<typeof base>) => void) => {
      const f = base();
      mutate(f);
      try {
        checkStagesFile(f);
        return null;
      } catch (e) {
        return (e as StagesError).field;
      }
    };
    assert.equal(field(() => {}), null);
    assert.equal(field((f) => ((f.stages[1]!.triggers[0] as Record<string, unknown>).pollInterval = 'x')), 'stages[1].triggers[0].pollInterval');
    assert.equal(field((f) => (f.stages[1]!.triggers[0]!.parameters = { N: '${{ b.y.buildNumber }}' })), 'stages[1].triggers[0].parameters.N');
    assert.equal(field((f) => (f.stages[1]!.triggers[0]!.parameters = { N: '${{ a.x.log }}' })), 'stages[1].triggers[0].parameters.N');
    assert.equal(field((f) => (f.stages[1]!.when = 'b.y.result == "x"')), 'stages[1].when');
    assert.equal(field((f) => (f.stages[1]!.name = 'a')), 'stages[1].name');
    assert.equal(field((f) => ((f.stages[0]!.triggers[0] as Record<string, unknown>).id = 'no spaces')), 'stages[0].triggers[0].id');
    assert.equal(field((f) => ((f.stages[0]!.triggers[0] as Record<string, unknown>).fileParameters = { F: 'a' })), 'stages[0].triggers[0].fileParameters.F');
    assert.equal(field((f) => ((f as Record<string, unknown>).pollInterval = 100000)), 'pollInterval');
    assert.equal(field((f) => ((f as Record<string, unknown>).job = 'x')), 'job');
    assert.equal(field((f) => (f.stages = [])), 'stages');
    assert.equal(field((f) => ((f.stages[0]! as Record<string, unknown>).triggers = [])), 'stages[0].triggers');
  });
});
