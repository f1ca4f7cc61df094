// Pre-bundles the workflow code into dist/workflow-bundle.js, so a CLI invocation does not spend
// a second or two on webpack every time (docs/design.md §2.2: bundle once, pass workflowBundle).
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
// The same modules as every other bundle of ours (src/worker.ts), from the build just made: the
// OpenTelemetry interceptors (docs/design.md §15) and the shared schemas (docs/design.md §16.5).
import { quietBundlerLogger, workflowInterceptorModules, workflowPreloadModules } from '../dist/worker.js';

const workflowsPath = new URL('../dist/workflows/index.js', import.meta.url).pathname;
const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: workflowInterceptorModules(), preloadModules: workflowPreloadModules(), logger: quietBundlerLogger });
await writeFile(new URL('../dist/workflow-bundle.js', import.meta.url), code);
console.error(`workflow bundle: dist/workflow-bundle.js (${(code.length / 1e6).toFixed(2)} MB)`);
