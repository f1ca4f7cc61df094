import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findTemporalCli } from '../../src/temporal/cli-path.js';
import { freePort, isListening } from '../../src/temporal/embedded-server.js';

/** Child processes the crash test kills on purpose: workers and a Temporal dev server on a SQLite file. */

export interface Proc {
  child: ChildProcess;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function procOf(child: ChildProcess): Proc {
  return {
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export interface WorkerSpec {
  address: string;
  taskQueue: string;
  consoleDir: string;
  bundlePath: string;
  config: unknown;
}

/** A worker in its own process (test/support/worker-process.ts); resolves once it polls. */
export async function spawnWorker(spec: WorkerSpec): Promise<Proc> {
  const script = fileURLToPath(new URL('../support/worker-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, WORKER_SPEC: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker process exited early (${code ?? signal}): ${err}`)));
  });
  const p = procOf(child);
  (p as Proc & { stderr: () => string }).stderr = () => err;
  return p;
}

// Shared with the embedded server code: same probes, one implementation.
export { freePort, isListening };

/**
 * `temporal server start-dev --headless` on a SQLite file (docs/design.md §13). Started again
 * with the same port and file after a SIGKILL, it carries on with the same workflows.
 */
export async function startTemporalServer(opts: { port: number; dbFile: string; logFile: string }): Promise<Proc> {
  const cli = findTemporalCli();
  if (!cli) throw new Error('the temporal CLI was not found (TEMPORAL_CLI_PATH, PATH or .tools/bin)');
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(opts.port), '--db-filename', opts.dbFile, '--log-level', 'warn'];
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cli, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 60_000;
  while (!(await isListening(opts.port))) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with ${child.exitCode}; see ${opts.logFile}`);
    if (Date.now() > deadline) throw new Error(`temporal dev server not listening on ${opts.port} after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return procOf(child);
}
