import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { DENO, ROOT } from '../support/processes.js';

/**
 * The edge API must run where Node does not: its module graph, as Deno resolves it, holds no
 * `node:` module, no Temporal SDK package and no npm package but zod and yaml; and those two
 * packages' ESM builds (what a Workers bundler picks) import nothing either.
 */
interface DenoModule {
  specifier: string;
  kind?: string;
  error?: string;
}

function denoGraph(entry: string): DenoModule[] {
  const out = execFileSync(DENO, ['info', '--json', entry], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } });
  return (JSON.parse(out) as { modules: DenoModule[] }).modules;
}

for (const entry of ['src/edge/index.ts', 'src/edge/deno.ts']) {
  test(`${entry}: no node: module, no @temporalio package, only zod and yaml from npm (deno info)`, () => {
    const modules = denoGraph(entry);
    assert.ok(modules.some((m) => m.specifier.endsWith('/src/edge/api.ts')), 'the graph does not contain the handler');
    for (const m of modules) {
      assert.equal(m.error, undefined, `${m.specifier}: ${m.error}`);
      assert.ok(!m.specifier.startsWith('node:') && m.kind !== 'node', `Node module in the edge graph: ${m.specifier}`);
      assert.ok(!m.specifier.includes('@temporalio'), `Temporal SDK in the edge graph: ${m.specifier}`);
      assert.ok(!m.specifier.startsWith('npm:') && !m.specifier.startsWith('jsr:'), `unexpected specifier ${m.specifier}`);
      const rel = path.relative(ROOT, fileURLToPath(m.specifier));
      if (rel.startsWith('node_modules')) {
        // Type declarations are not loaded at run time; code may come only from zod and yaml.
        const isTypes = /\.d\.c?ts$/.test(rel);
        assert.ok(isTypes || /^node_modules\/(zod|yaml)\//.test(rel), `npm code in the edge graph: ${rel}`);
      } else {
        assert.ok(rel.startsWith('src/'), rel);
        assert.ok(!/^src\/(activities|temporal|cli|client|handle|runtime|worker)/.test(rel), `Node-side module in the edge graph: ${rel}`);
      }
    }
  });
}

test("zod's and yaml's ESM builds import no Node module", () => {
  const entries = [path.join(ROOT, 'node_modules/zod/index.js'), path.join(ROOT, 'node_modules/yaml/browser/index.js')];
  const seen = new Set<string>();
  const bare: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Comments stripped: JSDoc examples show imports too.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    assert.ok(!/\brequire\s*\(/.test(text), `${file} uses require()`);
    for (const m of text.matchAll(/(?:^|[;\s])(?:import|export)\s*(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(fileURLToPath(new URL(spec, pathToFileURL(file))));
      else bare.push(`${path.relative(ROOT, file)} → ${spec}`);
    }
  };
  entries.forEach(visit);
  assert.ok(seen.size > 10, `only ${seen.size} files walked`);
  assert.deepEqual(bare, [], 'imports of other packages or Node modules');
});
