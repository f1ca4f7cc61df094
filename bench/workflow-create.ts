/**
 * What one workflow instance costs the worker to create (docs/design.md §16.5).
 *
 *   node --expose-gc --import tsx bench/workflow-create.ts [--k 300] [--bundle FILE ...] [--profile]
 *
 * Workers run all workflows in one V8 context, but each workflow instance evaluates the bundle's
 * modules again so that module state is its own. What a module does at load time is paid per
 * instance: at its first workflow task, and again whenever an evicted workflow is replayed for
 * its next task. With more triggers moving at once than the worker caches (a burst of starts, a
 * wave of builds ending), that is nearly every workflow task.
 *
 * For each bundle (default: this tree's dist/workflow-bundle.js; give a baseline commit's
 * bundle with a second --bundle) it creates K instances as the worker does and prints the time
 * and the heap each keeps. Baseline in the same run: a bundle of one empty workflow, the SDK's
 * own cost. --profile adds each package's share of the load time (the hooks add some time).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { quietBundlerLogger } from '../src/worker.js';
import { measureInstances, packageOf } from '../test/support/workflow-instances.js';
import { benchOptions } from './options.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { arg, has, all, command } = benchOptions('bench/workflow-create.ts', 'node --expose-gc --import tsx');
const K = Number(arg('k', '300'));
const profile = has('profile');
const bundles = all('bundle');
if (bundles.length === 0) bundles.push(path.join(repo, 'dist', 'workflow-bundle.js'));
if (!(globalThis as { gc?: unknown }).gc) throw new Error(`run it with --expose-gc, for the heap figures: ${command}`);

async function emptyBundle(): Promise<string> {
  const dir = mkdtempSync(path.join(repo, '.bench-empty-'));
  try {
    writeFileSync(path.join(dir, 'workflows.js'), 'export async function remoteTrigger() { return null; }\n');
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows.js'), logger: quietBundlerLogger });
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Array<{ name: string; ms: number; kib: number }> = [];
for (const [name, code] of [['empty workflow (baseline)', await emptyBundle()], ...bundles.map((b) => [path.relative(repo, path.resolve(b)), readFileSync(b, 'utf8')])] as const) {
  const plain = await measureInstances(code, K);
  rows.push({ name, ms: plain.msPerInstance, kib: plain.heapKiBPerInstance });
  if (profile) {
    const { modules } = await measureInstances(code, K, { modules: true });
    const byPackage = new Map<string, number>();
    for (const [id, ms] of modules) byPackage.set(packageOf(id), (byPackage.get(packageOf(id)) ?? 0) + ms);
    const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`${name}: ${modules.size} modules per instance; load time by package: ${top.map(([p, ms]) => `${p} ${ms.toFixed(2)} ms`).join(', ')}`);
  }
}

console.log(`\ncommand: ${command}`);
console.log(`${K} workflow instances per bundle, created one after the other in one reused V8 context, all kept alive\n`);
console.log('| bundle | ms per instance | heap kept per instance | time × baseline |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.ms.toFixed(2)} ms | ${Math.round(r.kib)} KiB | ${(r.ms / rows[0]!.ms).toFixed(1)} |`);
