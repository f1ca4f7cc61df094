// Pre-bundles the workflow code into dist/workflow-bundle.js, so a CLI invocation does not spend
// a second or two on webpack every time (docs/design.md §2.2: bundle once, pass workflowBundle).
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

const workflowsPath = new URL('../dist/workflows/index.js', import.meta.url).pathname;
// The OpenTelemetry workflow interceptors go into the bundle (docs/design.md §15).
const workflowInterceptorModules = [new URL('../dist/workflows/interceptors.js', import.meta.url).pathname];
// Schemas and constants evaluated once for all workflow instances, not per instance (docs/design.md §16.5).
const preloadModules = [new URL('../dist/workflows/shared-modules.js', import.meta.url).pathname];
const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, preloadModules, logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } });
await writeFile(new URL('../dist/workflow-bundle.js', import.meta.url), code);
console.error(`workflow bundle: dist/workflow-bundle.js (${(code.length / 1e6).toFixed(2)} MB)`);
