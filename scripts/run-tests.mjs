// The test command (`npm test`): every *.test.ts under test/, on node's test runner, one file at
// a time (each integration file starts its own Temporal dev server and Jenkins emulator).
// Arguments narrow the run: `npm test -- test/options` or a file path. Workers started by the
// tests give their waits a 10 s heartbeat timeout, so a killed worker's triggers resume quickly.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];

function collect(p) {
  const full = path.resolve(root, p);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? collect(path.join(full, e.name)) : e.name.endsWith('.test.ts') ? [path.join(full, e.name)] : []))
    .sort();
}

const files = roots.flatMap(collect);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=900000', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS: '10', ...process.env, NODE_ENV: 'test' } },
);
process.exit(r.status ?? 1);
