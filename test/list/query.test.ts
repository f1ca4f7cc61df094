import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { durationMs, triggerQuery } from '../../src/list.js';
import { OptionsError } from '../../src/options/errors.js';

/** The visibility query of `list` filters: values are quoted, never spliced raw. */
describe('triggerQuery', () => {
  const now = Date.parse('2026-11-30T12:00:00.000Z');

  test('no filter: every remoteTrigger workflow (not the artifact or console reads)', () => {
    assert.equal(triggerQuery({}, now), "(WorkflowType = 'remoteTrigger' OR WorkflowType = 'remoteJob')");
  });

  test('job, status, result and since combine with AND', () => {
    assert.equal(
      triggerQuery({ job: 'team/deploy', status: 'RUNNING', result: 'failure', since: '2h' }, now),
      "(WorkflowType = 'remoteTrigger' OR WorkflowType = 'remoteJob') AND RemoteJob = 'team/deploy' AND RemoteBuildStatus = 'RUNNING' AND RemoteBuildResult = 'FAILURE' AND StartTime > '2026-11-30T10:00:00.000Z'",
    );
  });

  test('a quote in a job name cannot end the literal', () => {
    assert.equal(triggerQuery({ job: "it's' OR WorkflowType != 'x" }, now), "(WorkflowType = 'remoteTrigger' OR WorkflowType = 'remoteJob') AND RemoteJob = 'it\\'s\\' OR WorkflowType != \\'x'");
    assert.equal(triggerQuery({ job: 'a\\' }, now), "(WorkflowType = 'remoteTrigger' OR WorkflowType = 'remoteJob') AND RemoteJob = 'a\\\\'");
  });

  test('an unknown status or result is an OptionsError naming the field', () => {
    assert.throws(() => triggerQuery({ status: 'DONE' as never }), (e: unknown) => e instanceof OptionsError && e.field === 'status');
    assert.throws(() => triggerQuery({ result: "SUCCESS' OR 1=1" }), (e: unknown) => e instanceof OptionsError && e.field === 'result');
  });

  test('durations', () => {
    assert.equal(durationMs('45s'), 45_000);
    assert.equal(durationMs('90m'), 5_400_000);
    assert.equal(durationMs('7d'), 604_800_000);
    assert.equal(durationMs(1500), 1500);
    assert.throws(() => durationMs('yesterday'), OptionsError);
  });
});
