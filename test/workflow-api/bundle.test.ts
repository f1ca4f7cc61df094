import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * `remote-trigger/workflow` must not pull a Node-only module into a user's workflow bundle: the
 * Temporal bundler refuses such modules, so bundling a workflows file that imports the package's
 * entry point by name is the check. Run after `npm run build` (the package exports point at dist/).
 */
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'workflows');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('the workflow entry point in a user bundle', () => {
  test("a workflows file importing 'remote-trigger/workflow' bundles", async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(fixtures, 'uses-package.ts'), logger: quiet });
    assert.match(code, /usesPackage/);
    // The workflow-side module validates options with the library's zod schema.
    assert.match(code, /not specified/);
  });

  test("the same with the library's client entry point ('remote-trigger') is refused: the check can fail", async () => {
    const errors: string[] = [];
    await assert.rejects(bundleWorkflowCode({ workflowsPath: path.join(fixtures, 'uses-client.ts'), logger: { ...quiet, error: (m: string) => void errors.push(m) } }), /Webpack finished with errors/);
    assert.match(errors.join("\n"), /node:(crypto|child_process|fs)/);
  });

  test('the example release train (examples/release-train.workflow.ts) bundles', async () => {
    const example = path.resolve(fixtures, '..', '..', '..', 'examples', 'release-train.workflow.ts');
    const { code } = await bundleWorkflowCode({ workflowsPath: example, logger: quiet });
    assert.match(code, /releaseTrain/);
  });

  test('the sources of the workflow entry point bundle too (the orchestration fixture)', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(fixtures, 'orchestration.ts'), logger: quiet });
    assert.match(code, /releaseTrain/);
  });
});
