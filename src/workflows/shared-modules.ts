/**
 * The modules that all workflow instances of a worker share (the bundle's `preloadModules`,
 * docs/design.md §16.5).
 *
 * A worker runs every workflow in one V8 context, but evaluates the bundle's modules again for
 * each workflow instance so that module state stays per workflow. Building the zod schemas of
 * the trigger input and the step options that way cost about 12 ms and 1.2 MiB per instance
 * (bench/workflow-create.ts), paid again at each workflow task of an evicted workflow.
 *
 * What is listed here is evaluated once, before any workflow, with what it imports. It must be
 * pure: no state kept between calls, no workflow API used at load time, nothing that workflow
 * code mutates. Stage files (`options/stages.ts`, which keeps a global regular expression) stay
 * per instance.
 *
 * The SDK deep-freezes shared modules after loading them, which zod schemas do not survive:
 * zod builds a schema's methods and derived fields on first use, on the schema itself. Freezing
 * the three schema modules' export objects first stops the SDK's freeze there (it does not
 * descend into an object that is already frozen), so the schemas stay as zod needs them; the
 * export objects themselves cannot be changed either way. Their constants (limits, results, URL
 * rules) are frozen by the SDK as usual. `test/workflows/shared-modules.test.ts` checks that none
 * of these modules is evaluated per instance; `test/properties/workflow-validation.property.test.ts`
 * checks that the workflow accepts and refuses exactly what the client does.
 */
import * as semanticConventions from '@opentelemetry/semantic-conventions';
import * as triggerInput from '../contract/trigger-input.js';
import * as auth from '../options/auth.js';
import * as stepOptions from '../options/step-options.js';

for (const schemas of [triggerInput, stepOptions, auth]) Object.freeze(schemas);

/** Referenced, so that the bundler keeps the imports of packages marked free of side effects. */
export const SHARED_MODULES = [triggerInput, stepOptions, auth, semanticConventions];
