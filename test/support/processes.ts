/**
 * Child processes of the tests, benchmarks and scripts: worker processes (which a test may
 * SIGKILL: a crash, no graceful cancellation, no last heartbeat), a Temporal dev server on a
 * SQLite file, API servers (Node or Deno) and short-lived commands.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTemporalCli, HOW_TO_GET_TEMPORAL } from '../../src/temporal/cli-path.js';
import { spawnDevServer, untilListening } from '../../src/temporal/embedded-server.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Deno from the `deno` dev dependency (installed by npm ci). */
export const DENO = path.join(ROOT, 'node_modules', '.bin', 'deno');

export interface Proc {
  child: ChildProcess;
  alive(): boolean;
  /** Signals the process (SIGKILL unless told) and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The last 4000 characters it wrote to stderr (for processes whose stderr is piped). */
  stderr(): string;
}

function procOf(child: ChildProcess, stderr: () => string = () => ''): Proc {
  return {
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
    stderr,
  };
}

/** What a worker process runs with (test/support/worker-process.ts reads it from WORKER_SPEC). */
export interface WorkerSpec {
  address: string;
  taskQueue: string;
  consoleDir: string;
  /** A workflow bundle written to a file (sharedBundlePath). */
  bundlePath: string;
  /** The worker's configuration, unparsed. */
  config: unknown;
}

/**
 * THE way to run a worker in its own process: resolves once it polls its task queue. Its
 * stderr is passed on to this process' (unless `quiet`) and its tail kept for the error of an
 * early exit.
 */
export async function spawnWorker(spec: WorkerSpec, opts: { quiet?: boolean } = {}): Promise<Proc> {
  const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, WORKER_SPEC: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (!opts.quiet) process.stderr.write(d);
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
  return procOf(child, () => err);
}

/**
 * A Temporal dev server on a SQLite file, started as the embedded mode starts it
 * (src/temporal/embedded-server.ts), but attached to this process. Started again with the same
 * port and file after a SIGKILL, it carries on with the same workflows (docs/design.md §13).
 */
export async function startTemporalServer(opts: { port: number; dbFile: string; logFile: string }): Promise<Proc> {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`the temporal CLI was not found.\n${HOW_TO_GET_TEMPORAL}`);
  const child = spawnDevServer({ cli, ...opts });
  await untilListening(child, opts.port, opts.logFile);
  return procOf(child);
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts an API server process and resolves once it prints `listening on http://…`; rejects
 * with its output if it exits first.
 */
export function startApiProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ApiProcess> {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not listen within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/i.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!.replace(/\/$/, ''),
          child,
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

/** Runs a process to its end and returns its exit code and output. */
export function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
