/**
 * Workflow instances share the schema modules instead of evaluating them each
 * (src/workflows/shared-modules.ts, docs/design.md §16.5). Counted, not timed: which modules a
 * new instance evaluates for itself, from the bundle the worker runs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bundleWorkflowCode } from '@temporalio/worker';
import { quietBundlerLogger, workflowInterceptorModules, workflowSource } from '../../src/worker.js';
import { sharedBundle } from '../support/harness.js';
import { measureInstances, packageOf } from '../support/workflow-instances.js';

/** What must never be evaluated per instance: zod, the schema modules, the semantic conventions. */
const SHARED = /^(zod|@opentelemetry\/semantic-conventions|(src|dist)\/(contract\/trigger-input|options\/(step-options|auth|limits)|jenkins\/url-rules)\.[jt]s)$/;

const perInstance = async (code: string) => [...(await measureInstances(code, 5, { modules: true })).modules.keys()].map(packageOf);

describe('workflow instances share the schema modules', () => {
  test("the worker's bundle evaluates none of them per instance", async () => {
    const modules = await perInstance((await sharedBundle()).code);
    assert.ok(modules.length > 0, 'the hook saw the modules each instance evaluates');
    assert.ok(modules.includes('@temporalio/workflow'), "the workflow API stays per instance (its state is the instance's)");
    assert.deepEqual(modules.filter((m) => SHARED.test(m)), []);
  });

  test('positive control: bundled without preloadModules, each instance evaluates them', async () => {
    const src = workflowSource();
    assert.ok(src.workflowsPath, 'tests bundle from the sources');
    const { code } = await bundleWorkflowCode({ workflowsPath: src.workflowsPath, workflowInterceptorModules: workflowInterceptorModules(), logger: quietBundlerLogger });
    const modules = await perInstance(code);
    for (const m of ['zod', 'src/contract/trigger-input.ts', 'src/options/step-options.ts']) assert.ok(modules.includes(m), `${m} is evaluated per instance: ${[...new Set(modules)].join(', ')}`);
  });
});
