import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedServerRecord } from '../../src/temporal/embedded-server.js';
import { readServiceRecord } from '../../src/temporal/local-service.js';
import { processMatches } from '../../src/temporal/processes.js';

/** The `remote-trigger` entry point, resolved from this file (test/support → bin/). */
export const CLI_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'remote-trigger.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the run was killed because it took longer than `timeoutMs`. */
  timedOut: boolean;
}

export interface CliRun {
  /** Arguments after `remote-trigger` (including the command). */
  args: string[];
  /** The complete environment of the child (not merged with process.env). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Written to the child's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string;
  /** Kill the child (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
}

/** Runs the CLI in a child process and collects its exit code and output. */
export function runCli(run: CliRun): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...run.args], { env: run.env, cwd: run.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, run.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {}); // the CLI may exit before reading stdin
    child.stdin.end(run.stdin ?? '');
  });
}

/**
 * A copy of `base` without the variables that would point the CLI at a real Temporal cluster,
 * another state directory or another configuration, so that a test run is isolated.
 */
export function isolatedEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^(TEMPORAL_|REMOTE_TRIGGER_)/.test(k)) continue;
    if (k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return env;
}

/**
 * Stops what a CLI run left in `stateDir`, without waiting: the local service (by its recorded
 * pid, when it is still ours) and the embedded dev server (by its recorded pid). True when
 * either was recorded.
 */
export function killEmbeddedServer(stateDir: string): boolean {
  const service = readServiceRecord(stateDir);
  if (service && processMatches(service.pid, service.token)) {
    try {
      process.kill(service.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  const pid = embeddedServerRecord(stateDir)?.pid;
  if (!pid) return service !== null;
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}

/**
 * The bin runs dist/ when it exists. Returns a source file newer than dist/cli/main.js (so the
 * CLI under test is stale: run `npm run build`), or null when dist is current or absent.
 */
export function staleDistSource(): string | null {
  const root = path.resolve(path.dirname(CLI_BIN), '..');
  const compiled = path.join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(compiled)) return null;
  const builtAt = statSync(compiled).mtimeMs;
  const walk = (dir: string): string | null => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      const hit = e.isDirectory() ? walk(full) : e.name.endsWith('.ts') && statSync(full).mtimeMs > builtAt ? full : null;
      if (hit) return hit;
    }
    return null;
  };
  return walk(path.join(root, 'src'));
}

/** Stops a child process the test spawned (SIGTERM) and waits until it has exited. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}
