/**
 * Creates workflow instances from a bundle the way a worker does, and reports what each one
 * cost: which modules it evaluated, the time and the heap it kept (docs/design.md §16.5).
 * test/workflows/shared-modules.test.ts and bench/workflow-create.ts use it.
 *
 * It drives the SDK's own creator for reused V8 contexts (`ReusableVMWorkflowCreator`, an
 * internal module of the pinned @temporalio/worker), so that what is measured is what runs.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ReusableVMWorkflowCreator } = require('@temporalio/worker/lib/workflow/reusable-vm') as {
  ReusableVMWorkflowCreator: {
    new (...args: never[]): unknown;
    create(bundle: unknown, timeoutMs: number, activityNames: Set<string>, patch: undefined): Promise<Creator>;
  };
};
const { parseWorkflowCode } = require('@temporalio/worker/lib/worker') as { parseWorkflowCode(code: string): unknown };

interface Instance {
  dispose(): Promise<void>;
}
interface Creator {
  createWorkflow(options: unknown): Promise<Instance>;
  destroy(): Promise<void>;
}

/** webpack's loader line in a bundle: each module's body runs here. */
const LOADER = '__webpack_modules__[moduleId].call(module.exports, module, module.exports, __webpack_require__);';

export interface InstanceCost {
  /** Milliseconds to create one instance (with the timing hooks when `modules` was asked for). */
  msPerInstance: number;
  /** Heap each instance keeps while it lives (as the worker's cache keeps it). */
  heapKiBPerInstance: number;
  /** The modules each instance evaluated for itself, with their own load time (ms per instance). */
  modules: Map<string, number>;
}

function infoOf(i: number) {
  const now = new Date();
  return {
    workflowId: `instance-${i}`, runId: `run-${i}`, workflowType: 'remoteTrigger', taskQueue: 'instances', namespace: 'default',
    firstExecutionRunId: `run-${i}`, attempt: 1, historyLength: 3, historySize: 1000, continueAsNewSuggested: false,
    searchAttributes: {}, typedSearchAttributes: [], memo: {}, startTime: now, runStartTime: now, priority: {},
    unsafe: { isReplaying: false, now: Date.now },
  };
}

/**
 * Creates `count` instances (after a few to warm up) and keeps them alive until measured.
 * `modules: true` hooks webpack's loader to record which modules each instance evaluates.
 */
export async function measureInstances(code: string, count: number, opts: { modules?: boolean } = {}): Promise<InstanceCost> {
  const stack: Array<[number, number]> = [];
  const perModule = new Map<string, number>();
  let Creator = ReusableVMWorkflowCreator;
  if (opts.modules) {
    if (!code.includes(LOADER)) throw new Error("webpack's module loader line was not found in the bundle: the SDK's bundler changed");
    code = code.replace(LOADER, `__instancesEnter(); ${LOADER} __instancesLeave(moduleId, !!globalThis.__TEMPORAL_ACTIVATOR__);`);
    // The SDK lets tests add globals to the context (injectGlobals): the hooks time outside it.
    Creator = class extends (ReusableVMWorkflowCreator as unknown as new (...args: never[]) => { injectGlobals(ctx: Record<string, unknown>): void }) {
      override injectGlobals(ctx: Record<string, unknown>): void {
        super.injectGlobals(ctx);
        ctx.__instancesEnter = () => stack.push([performance.now(), 0]);
        ctx.__instancesLeave = (id: string, perInstance: boolean) => {
          const [t0, inner] = stack.pop()!;
          const dt = performance.now() - t0;
          if (stack.length) stack[stack.length - 1]![1] += dt;
          if (perInstance) perModule.set(id, (perModule.get(id) ?? 0) + dt - inner);
        };
      }
    } as unknown as typeof ReusableVMWorkflowCreator;
  }
  const creator = await Creator.create(parseWorkflowCode(code), 10_000, new Set<string>(), undefined);
  const alive: Instance[] = [];
  const create = async (i: number) => alive.push(await creator.createWorkflow({ info: infoOf(i), randomnessSeed: [1, 2, 3, 4, 5, 6, 7, 8], now: Date.now(), showStackTraceSources: false }));
  try {
    for (let i = 1; i <= 10; i++) await create(-i);
    perModule.clear();
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await create(i);
    const msPerInstance = (performance.now() - t0) / count;
    gc?.();
    const heapKiBPerInstance = gc ? (process.memoryUsage().heapUsed - heap0) / count / 1024 : NaN;
    const modules = new Map([...perModule].map(([id, ms]) => [id, ms / count]));
    return { msPerInstance, heapKiBPerInstance, modules };
  } finally {
    for (const w of alive) await w.dispose();
    await creator.destroy();
  }
}

/** A module id of a bundle, shortened to its package (`zod`) or its path in this repository. */
export function packageOf(moduleId: string): string {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(moduleId)?.[1] ?? moduleId.replace(/^.*?\/(src|dist)\//, '$1/');
}
