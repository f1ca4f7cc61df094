import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

/** The user's workflows file of the tests (test/fixtures/workflows/orchestration.ts), bundled once. */
export const ORCHESTRATION_FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'workflows', 'orchestration.ts');

let bundle: Promise<{ code: string }> | null = null;
export function orchestrationBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: ORCHESTRATION_FIXTURE,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) },
  });
  return bundle;
}
