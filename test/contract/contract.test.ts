/**
 * The contract (src/contract) against what uses it: the workflow names are the workflows the
 * bundle exports, every failure type the code names has an exit code (README "Contract"), the
 * failure types built at runtime for retryable Jenkins errors are in the map, and the message
 * names are those the workflows define.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toFailure } from '../../src/activities/context.js';
import {
  EXIT,
  FAILURES,
  FailureTypes,
  JENKINS_RETRY_FAILURES,
  MESSAGE_NAMES,
  WORKFLOW_TYPES,
  exitCodeOfFailure,
  isFailureType,
} from '../../src/contract/index.js';
import { JenkinsError } from '../../src/jenkins/errors.js';
import * as workflows from '../../src/workflows/index.js';
import { abortSignal, abortUpdate, stateQuery } from '../../src/workflows/messages.js';
import { stagesQuery } from '../../src/workflows/stages.js';

describe('the contract', () => {
  test('every workflow type is a workflow function of the bundle', () => {
    for (const type of Object.values(WORKFLOW_TYPES)) {
      assert.equal(typeof (workflows as Record<string, unknown>)[type], 'function', `src/workflows/index.ts exports no workflow '${type}'`);
    }
  });

  test('the message names are the ones the workflows define', () => {
    assert.equal(stateQuery.name, MESSAGE_NAMES.state);
    assert.equal(abortSignal.name, MESSAGE_NAMES.abort);
    assert.equal(abortUpdate.name, MESSAGE_NAMES.abortAndWait);
    assert.equal(stagesQuery.name, MESSAGE_NAMES.stages);
  });

  test('every name of FailureTypes is a failure type with an exit code', () => {
    for (const [name, type] of Object.entries(FailureTypes)) assert.ok(isFailureType(type), `${name}: '${type}' is not in FAILURES`);
    assert.equal(FailureTypes.Timeout, 'TriggerTimeout');
    const codes = new Set<number>(Object.values(EXIT));
    for (const [type, code] of Object.entries(FAILURES)) assert.ok(codes.has(code), `${type}: exit code ${code} is not one of README's`);
  });

  test("the exit codes of README's table, by failure type", () => {
    const expected: Record<string, number> = {
      RemoteBuildFailed: 1,
      QueueItemCancelled: 1,
      TriggerTimeout: 1,
      InvalidOptions: 2,
      TargetRefused: 3,
      WorkerMisconfigured: 3,
      TemporalUnreachable: 3,
      ServiceStopped: 3,
      NotFound: 4,
      JenkinsRejected: 5,
    };
    for (const [type, code] of Object.entries(expected)) assert.equal(exitCodeOfFailure(type), code, type);
    // A type set elsewhere (another worker's activity, Temporal's own failures) is exit 3.
    assert.equal(exitCodeOfFailure('SomethingElse'), EXIT.unreachable);
    assert.equal(exitCodeOfFailure(undefined), EXIT.unreachable);
  });

  test('the failure type of a retryable Jenkins error, as the activities build it, is in the map', () => {
    for (const [kind, type] of Object.entries(JENKINS_RETRY_FAILURES)) {
      const failure = toFailure(new JenkinsError(kind as keyof typeof JENKINS_RETRY_FAILURES, 'x', { method: 'GET', url: 'http://jenkins/', retryable: true, requestSent: 'no' }));
      assert.equal((failure as { type?: string }).type, type, kind);
      assert.ok(isFailureType(type), type);
    }
  });
});
