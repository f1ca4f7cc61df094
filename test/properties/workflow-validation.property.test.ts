/**
 * The workflow's validation of its input agrees with the client's, for any input. The workflow
 * checks with the schemas that all its instances share (frozen by the SDK after loading,
 * src/workflows/shared-modules.ts); the client with its own copy. Random changes to a valid
 * input (values of any type, missing and unknown keys, in the input and in its target) are
 * started as real `remoteTrigger` workflows, disabled so that a valid one ends without a request.
 * The seed is printed (see seed.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { checkTriggerInput, type TriggerInput } from '../../src/contract/trigger-input.js';
import { Harness } from '../support/harness.js';
import { CaseCounter, RUNS, configureProperties } from './seed.js';

configureProperties();

type Json = Record<string, unknown>;

const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.oneof(
  scalar,
  fc.constantFrom(0, -1, 1, 30, 31, 86_400, 1e9, 2 ** 31, 99_999_999_999, 1.5, '', 'http://127.0.0.1:9/job/x', [], {}, [['A', '1']], ['SUCCESS'], ['GREEN'], { env: 'X' }, { kind: 'bearer', secret: { env: 'T' } }),
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 }),
);

describe('the workflow validates its input as the client does', () => {
  let h: Harness;
  let valid: TriggerInput;
  before(async () => {
    h = await Harness.start({ scenario: { jobs: [{ name: 'x', parameters: [{ name: 'A' }], build: { durationMs: 100 } }] } });
    valid = await h.input({ remoteJenkinsUrl: h.emulator.url, job: 'x', parameters: { A: '1' } }, 'valid');
  });
  after(() => h?.teardown());

  it('accepts what the client accepts, and refuses the rest with the same field and message', async (t) => {
    const topKeys = Object.keys(valid).filter((k) => k !== 'disabled');
    const targetKeys = Object.keys(valid.target);
    const change = fc.oneof(
      fc.record({ at: fc.constant('input'), key: fc.constantFrom(...topKeys), value: fc.option(value, { nil: undefined }) }),
      fc.record({ at: fc.constant('target'), key: fc.constantFrom(...targetKeys), value: fc.option(value, { nil: undefined }) }),
      fc.record({ at: fc.constant('input'), key: fc.string({ minLength: 1, maxLength: 8 }), value }),
    );
    const cases = new CaseCounter();
    let accepted = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(change, { maxLength: 3 }), async (changes) => {
        cases.tick();
        const input = structuredClone({ ...valid, disabled: true }) as unknown as Json & { target: Json };
        for (const c of changes) {
          const into = c.at === 'target' && typeof input.target === 'object' && input.target ? input.target : input;
          if (c.value === undefined) delete into[c.key];
          else into[c.key] = c.value;
        }
        const expected = checkTriggerInput(input);
        const handle = await h.client.workflow.start('remoteTrigger', { taskQueue: h.taskQueue, workflowId: `validate-${n++}`, args: [input], workflowExecutionTimeout: '60s' });
        const outcome = await handle.result().then(
          () => ({ ok: true as const }),
          (e: unknown) => e,
        );
        if (expected.ok) {
          accepted++;
          assert.deepEqual(outcome, { ok: true }, `the client accepts ${JSON.stringify(input)}`);
          return;
        }
        assert.ok(outcome instanceof WorkflowFailedError, `the client refuses (${expected.field}: ${expected.message}), the workflow: ${String(outcome)}`);
        const cause = outcome.cause;
        assert.ok(cause instanceof ApplicationFailure && cause.type === 'InvalidInput', `InvalidInput, not ${String(cause)}`);
        assert.equal((cause.details?.[0] as { field: string }).field, expected.field);
        assert.ok(cause.message.includes(expected.message), `${cause.message} names "${expected.message}"`);
      }),
      { numRuns: Math.min(RUNS, 150) },
    );
    t.diagnostic(`${cases.count} inputs started as workflows, ${accepted} accepted, ${cases.count - accepted} refused`);
    assert.ok(accepted > 0 && accepted < cases.count, `both sides exercised: ${accepted} of ${cases.count} accepted`);
  });
});
