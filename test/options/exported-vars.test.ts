import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { exportedVariables, formatEnvFile } from '../../src/exported-vars.js';
import type { RemoteResult, TriggerState } from '../../src/workflows/state.js';

let seq = 0;
function state(jobName: string | null, buildNumber: number | null, result: RemoteResult, over: Partial<TriggerState> = {}): TriggerState {
  const job = over.job ?? jobName ?? 'unnamed';
  return {
    triggerId: `t-${++seq}`,
    job,
    jobUrl: `http://j/job/${job}`,
    root: 'http://j',
    jobName,
    jobFullName: jobName,
    jobDisplayName: jobName,
    jobFullDisplayName: jobName,
    parameterized: true,
    status: buildNumber === null ? 'NOT_TRIGGERED' : 'FINISHED',
    result,
    queueId: buildNumber === null ? null : 100 + buildNumber,
    buildNumber,
    buildUrl: buildNumber === null ? null : `http://j/job/${job}/${buildNumber}/`,
    passed: result === 'SUCCESS',
    abort: null,
    error: null,
    blockBuildUntilComplete: true,
    shouldNotFailBuild: false,
    passingResults: ['SUCCESS', 'UNSTABLE'],
    ...over,
  };
}

const asMap = (vars: Array<[string, string]>) => new Map(vars);

describe('exportedVariables (docs/plugin-compat.md §13)', () => {
  // alpha #1, beta #7, alpha #2, beta #8 (re-trigger), alpha #3 (re-trigger: alpha is the latest)
  const states = [
    state('alpha', 1, 'SUCCESS'),
    state('beta', 7, 'FAILURE'),
    state('alpha', 2, 'UNSTABLE'),
    state('beta', 8, 'SUCCESS'),
    state('alpha', 3, 'ABORTED'),
  ];
  const vars = exportedVariables(states);
  const m = asMap(vars);

  it('has unique names', () => {
    assert.equal(m.size, vars.length);
  });

  it('per project: last number, URL, result, the list of numbers and the run count', () => {
    assert.equal(m.get('TRIGGERED_BUILD_NUMBER_alpha'), '3');
    assert.equal(m.get('TRIGGERED_BUILD_URL_alpha'), 'http://j/job/alpha/3/');
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_alpha'), 'ABORTED');
    assert.equal(m.get('TRIGGERED_BUILD_NUMBERS_alpha'), '1,2,3');
    assert.equal(m.get('TRIGGERED_BUILD_RUN_COUNT_alpha'), '3');
    assert.equal(m.get('TRIGGERED_BUILD_NUMBER_beta'), '8');
    assert.equal(m.get('TRIGGERED_BUILD_URL_beta'), 'http://j/job/beta/8/');
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_beta'), 'SUCCESS');
    assert.equal(m.get('TRIGGERED_BUILD_NUMBERS_beta'), '7,8');
    assert.equal(m.get('TRIGGERED_BUILD_RUN_COUNT_beta'), '2');
  });

  it('the result of every run as _RUN_<n>', () => {
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_alpha_RUN_1'), 'SUCCESS');
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_alpha_RUN_2'), 'UNSTABLE');
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_alpha_RUN_3'), 'ABORTED');
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_beta_RUN_7'), 'FAILURE');
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_beta_RUN_8'), 'SUCCESS');
    assert.equal(m.get('TRIGGERED_BUILD_RESULT_beta_RUN_1'), undefined);
    assert.equal([...m.keys()].filter((k) => k.includes('_RUN_') && !k.includes('RUN_COUNT')).length, 5);
  });

  it('orders projects from least to most recently triggered; re-triggering moves a project to the end', () => {
    assert.equal(m.get('LAST_TRIGGERED_JOB_NAME'), 'alpha');
    assert.equal(m.get('TRIGGERED_JOB_NAMES'), 'beta,alpha');
    const keys = vars.map(([k]) => k);
    assert.ok(keys.indexOf('TRIGGERED_BUILD_NUMBER_beta') < keys.indexOf('TRIGGERED_BUILD_NUMBER_alpha'));

    const other = asMap(exportedVariables([state('alpha', 1, 'SUCCESS'), state('beta', 7, 'SUCCESS'), state('gamma', 1, 'SUCCESS'), state('beta', 8, 'SUCCESS')]));
    assert.equal(other.get('LAST_TRIGGERED_JOB_NAME'), 'beta');
    assert.equal(other.get('TRIGGERED_JOB_NAMES'), 'alpha,gamma,beta');
  });

  it('sanitises project names for variable names, but not LAST_TRIGGERED_JOB_NAME', () => {
    const s = asMap(exportedVariables([state('my-job.x', 4, 'SUCCESS'), state('a  b--c', 1, 'FAILURE')]));
    assert.equal(s.get('TRIGGERED_BUILD_NUMBER_my_job_x'), '4');
    assert.equal(s.get('TRIGGERED_BUILD_RESULT_my_job_x_RUN_4'), 'SUCCESS');
    assert.equal(s.get('TRIGGERED_BUILD_NUMBER_a_b_c'), '1');
    assert.equal(s.get('LAST_TRIGGERED_JOB_NAME'), 'a  b--c');
    assert.equal(s.get('TRIGGERED_JOB_NAMES'), 'my-job.x,a  b--c');
    assert.ok([...s.keys()].every((k) => /^[A-Za-z0-9_]+$/.test(k)), [...s.keys()].join(' '));
  });

  it('falls back to the configured job when the metadata name is unknown; a missing build is 0 and an empty URL', () => {
    const s = asMap(exportedVariables([state(null, null, 'NOT_BUILT', { job: 'folder/never' })]));
    assert.equal(s.get('LAST_TRIGGERED_JOB_NAME'), 'folder/never');
    assert.equal(s.get('TRIGGERED_BUILD_NUMBER_folder_never'), '0');
    assert.equal(s.get('TRIGGERED_BUILD_URL_folder_never'), '');
    assert.equal(s.get('TRIGGERED_BUILD_RESULT_folder_never'), 'NOT_BUILT');
  });

  it('gives only an empty TRIGGERED_JOB_NAMES for no triggers', () => {
    assert.deepEqual(exportedVariables([]), [['TRIGGERED_JOB_NAMES', '']]);
  });
});

describe('formatEnvFile', () => {
  it("writes KEY='value' lines", () => {
    assert.equal(
      formatEnvFile([
        ['A', '1'],
        ['B', 'two words'],
      ]),
      "A='1'\nB='two words'\n",
    );
  });

  it('round-trips awkward values through bash', () => {
    const values: Array<[string, string]> = [
      ['QUOTE', "it's"],
      ['QUOTES', "''x'''"],
      ['DOLLAR', '$HOME and `id` and $(id)'],
      ['BACKSLASH', 'a\\b\\n"c"'],
      ['NEWLINE', 'line1\nline2'],
      ['EMPTY', ''],
    ];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-env-'));
    try {
      const file = path.join(dir, 'vars.env');
      writeFileSync(file, formatEnvFile(values));
      const script = `set -eu; . "$1"; ${values.map(([k]) => `printf '%s\\0' "$${k}"`).join('; ')}`;
      const r = spawnSync('bash', ['-c', script, 'bash', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout.split('\0');
      assert.equal(out.pop(), '');
      assert.deepEqual(
        out,
        values.map(([, v]) => v),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
