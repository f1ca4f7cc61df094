// The embedded default (docs/design.md §13): a local Temporal dev server whose SQLite file lives
// in the state directory, started detached so that `trigger`, `status`, `wait` and `abort` run
// from separate invocations share it, and a trigger survives its CLI being killed.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FailureError, FailureTypes } from '../contract/failures.js';
import { findTemporalCli, HOW_TO_GET_TEMPORAL } from './cli-path.js';
// Registers the trigger's search attributes at every start (docs/design.md §3.8).
import { devServerSearchAttributeFlags } from '../search-attributes.js';

/**
 * SQLite settings of the embedded dev server: write-ahead log, synced at checkpoints rather than
 * at each commit. A killed server (or worker) loses nothing that was committed; only a power
 * loss may lose the last commits. Measured in bench/scale.ts: 2.6× faster starts, half the
 * server's CPU, against the default rollback journal with a sync per commit.
 */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

export interface EmbeddedServer {
  address: string;
  /** Null when an already running server was reused. */
  pid: number | null;
  startedNow: boolean;
  /** Temporal's HTTP API (http://127.0.0.1:<port>); null for a server started before it was recorded. */
  httpUrl: string | null;
}

interface ServerRecord {
  pid: number;
  port: number;
  /** The HTTP API port (`--http-port`), for the edge API (src/edge) and other HTTP clients. */
  httpPort?: number;
  cli: string;
}

const httpUrlOf = (r: ServerRecord | null) => (r?.httpPort ? `http://127.0.0.1:${r.httpPort}` : null);

export async function ensureEmbeddedServer(dir: string, log: (line: string) => void = () => {}): Promise<EmbeddedServer> {
  mkdirSync(dir, { recursive: true });
  const recordPath = path.join(dir, 'server.json');
  const existing = readRecord(recordPath);
  if (existing && (await isListening(existing.port))) return { address: `127.0.0.1:${existing.port}`, pid: null, startedNow: false, httpUrl: httpUrlOf(existing) };

  // Two CLIs starting at once must not start two servers on one database.
  const release = await acquireLock(path.join(dir, 'server.lock'));
  try {
    const again = readRecord(recordPath);
    if (again && (await isListening(again.port))) return { address: `127.0.0.1:${again.port}`, pid: null, startedNow: false, httpUrl: httpUrlOf(again) };

    const cli = findTemporalCli();
    if (!cli) throw new NoTemporalCliError();
    const port = again?.port ?? (await freePort());
    const httpPort = again?.httpPort ?? (await freePort());
    const logFile = path.join(dir, 'server.log');
    const child = spawnDevServer({ cli, port, dbFile: path.join(dir, 'temporal.sqlite'), logFile, detached: true, extraArgs: ['--http-port', String(httpPort), ...devServerSearchAttributeFlags()] });
    writeFileSync(recordPath, JSON.stringify({ pid: child.pid ?? 0, port, httpPort, cli } satisfies ServerRecord));
    log(`Starting local Temporal dev server on 127.0.0.1:${port} (data: ${dir})`);
    await untilListening(child, port, logFile);
    return { address: `127.0.0.1:${port}`, pid: child.pid ?? null, startedNow: true, httpUrl: `http://127.0.0.1:${httpPort}` };
  } finally {
    release();
  }
}

/**
 * `temporal server start-dev --headless` on 127.0.0.1:`port` with its state in the SQLite file
 * `dbFile`, logging (appending) to `logFile`. Detached, it outlives its parent. Started again with
 * the same port and file after it was killed, it carries on with the same workflows.
 */
export function spawnDevServer(opts: { cli: string; port: number; dbFile: string; logFile: string; detached?: boolean; extraArgs?: string[] }): ChildProcess {
  const logFd = openSync(opts.logFile, 'a');
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(opts.port), '--db-filename', opts.dbFile, '--log-level', 'warn'];
  args.push(...DEV_SERVER_SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]), ...(opts.extraArgs ?? []));
  const child = spawn(opts.cli, args, { detached: opts.detached ?? false, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  if (opts.detached) child.unref();
  return child;
}

/** Waits (up to 60 s) until a dev server started by spawnDevServer listens; fails if it exits first. */
export async function untilListening(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await isListening(port))) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${child.exitCode}; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`the Temporal dev server did not listen on port ${port} within 60 s; see ${logFile}`);
    await delay(200);
  }
}

/**
 * Stops the embedded dev server of a state directory, if one runs: only a process that is still
 * ours (its command line names this directory's database), waits until it is gone (SIGKILL
 * after 20 s), and removes its record. Returns the pid it stopped, or null.
 */
export async function stopEmbeddedServer(dir: string): Promise<number | null> {
  const recordPath = path.join(dir, 'server.json');
  const rec = readRecord(recordPath);
  if (!rec) return null;
  const { processMatches, waitGone } = await import('./processes.js');
  const marker = path.join(dir, 'temporal.sqlite');
  let stopped: number | null = null;
  if (processMatches(rec.pid, marker)) {
    try {
      process.kill(rec.pid, 'SIGTERM');
      stopped = rec.pid;
    } catch {
      /* gone meanwhile */
    }
    await waitGone(rec.pid, marker, 20_000);
  }
  rmSync(recordPath, { force: true });
  return stopped;
}

/** The HTTP API address of the embedded dev server of a state directory, if it recorded one. */
export function embeddedHttpUrl(dir: string): string | null {
  return httpUrlOf(readRecord(path.join(dir, 'server.json')));
}

/** The dev server recorded in a state directory (whether or not it still runs). */
export function embeddedServerRecord(dir: string): { pid: number; port: number } | null {
  return readRecord(path.join(dir, 'server.json'));
}

/** No `temporal` binary here (resolveTemporal then tries the SDK's download of the dev server). */
export class NoTemporalCliError extends FailureError {
  override name = 'NoTemporalCliError';
  constructor() {
    super(HOW_TO_GET_TEMPORAL, FailureTypes.NoTemporalCli);
  }
}

function readRecord(p: string): ServerRecord | null {
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as ServerRecord;
  } catch {
    return null;
  }
}

export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function acquireLock(file: string): Promise<() => void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock left by a dead process is stale.
      const holder = Number(readFileSync(file, 'utf8') || 0);
      if (holder && !alive(holder)) rmSync(file, { force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${file}`);
      else await delay(200);
    }
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
