// The local service of the embedded mode: ONE detached process per state directory that runs
// the Temporal dev server (itself detached, see embedded-server.ts) and ONE worker, with the
// configuration file it was started with. Every CLI invocation and the library's default
// runtime are clients of it: triggers progress with no command running, and a command run
// with another (or no) configuration can never pick up a trigger's activities.
//
// Files in the state directory:
// - `service.json`  the running service (pid, start token, address, pinned configuration);
//                   removed when it stops;
// - `service-config.json`  the configuration the last service was started with (kept after a
//                   stop): a `status` or `wait` that has to start the service uses it;
// - `service.log`   the service's log (truncated at each start);
// - `server.json`   the dev server (embedded-server.ts).

import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FailureError } from '../contract/failures.js';
import { OptionsError } from '../options/errors.js';
import { acquireLock } from './embedded-server.js';
import { processMatches, waitGone } from './processes.js';

// cli.ts reads a service's memory through this module.
export { rssOf } from './processes.js';

export const SERVICE_RECORD = 'service.json';
export const SERVICE_PIN = 'service-config.json';
export const SERVICE_LOG = 'service.log';
/** The failure type of a local service that exited before it was ready (recordServiceFailure). */
export const SERVICE_FAILURE = 'service-failure.json';
const SERVICE_LOCK = 'service.lock';

/** Minutes without an open trigger after which the service stops itself (0: never). */
export const DEFAULT_IDLE_MINUTES = 30;

/** Which configuration file, and which content: the service is pinned to both. */
export interface ConfigIdentity {
  path: string | null;
  /** sha256 of the file's bytes. */
  hash: string | null;
}

export interface ServiceRecord {
  pid: number;
  /** Random token on the service's command line: a recycled pid is never taken for ours. */
  token: string;
  startedAt: string;
  config: ConfigIdentity;
  address: string;
  namespace: string;
  taskQueue: string;
  consoleDir: string;
  identity: string;
  idleMinutes: number;
  log: string;
}

export function configIdentity(configPath: string | null): ConfigIdentity {
  if (!configPath) return { path: null, hash: null };
  const abs = path.resolve(configPath);
  return { path: abs, hash: createHash('sha256').update(readFileSync(abs)).digest('hex') };
}

export function sameConfig(a: ConfigIdentity, b: ConfigIdentity): boolean {
  return a.path === b.path && a.hash === b.hash;
}

export function describeConfig(c: ConfigIdentity): string {
  return c.path ? `${c.path} (sha256 ${c.hash?.slice(0, 12)})` : 'no configuration file';
}

/** Idle time from $REMOTE_TRIGGER_IDLE_MINUTES (a number ≥ 0; 0 = never), else 30. */
export function idleMinutesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.REMOTE_TRIGGER_IDLE_MINUTES;
  if (raw === undefined || raw.trim() === '') return DEFAULT_IDLE_MINUTES;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new OptionsError(`REMOTE_TRIGGER_IDLE_MINUTES must be a number of minutes ≥ 0 (0: never stop), not '${raw}'`, 'REMOTE_TRIGGER_IDLE_MINUTES');
  }
  return n;
}

/** Refusal to start triggers under another configuration than the running service's (exit 2). */
export class ConfigMismatchError extends OptionsError {
  constructor(dir: string, service: ConfigIdentity, mine: ConfigIdentity) {
    const restart = mine.path ? `remote-trigger service restart --config ${mine.path}` : 'remote-trigger service restart --no-config';
    super(
      `the local service of ${dir} runs with ${describeConfig(service)}, this command with ${describeConfig(mine)}. ` +
        `Triggers are not started under another configuration than the service's. ` +
        `Run \`${restart}\` (open triggers carry on in the restarted service)` +
        (service.path ? `, or give this command --config ${service.path}` : '') +
        '.',
      'config',
    );
    this.name = 'ConfigMismatchError';
  }
}

// ---------------------------------------------------------------- records

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function readServiceRecord(dir: string): ServiceRecord | null {
  return readJson<ServiceRecord>(path.join(dir, SERVICE_RECORD));
}

/** The running service of a state directory: recorded, alive, and still ours. */
export function runningService(dir: string): ServiceRecord | null {
  const rec = readServiceRecord(dir);
  return rec && processMatches(rec.pid, rec.token) ? rec : null;
}

export function writeServiceRecord(dir: string, rec: ServiceRecord): void {
  const file = path.join(dir, SERVICE_RECORD);
  writeFileSync(`${file}.tmp`, JSON.stringify(rec, null, 2));
  // rename is atomic: a reader never sees half a record
  writeFileSync(path.join(dir, SERVICE_PIN), JSON.stringify(rec.config));
  renameSync(`${file}.tmp`, file);
}

/** Removes the record if it is still the one of `token` (a newer service may have replaced it). */
export function removeServiceRecord(dir: string, token?: string): void {
  const rec = readServiceRecord(dir);
  if (rec && token && rec.token !== token) return;
  rmSync(path.join(dir, SERVICE_RECORD), { force: true });
}

function pinnedConfig(dir: string): ConfigIdentity | null {
  const pin = readJson<ConfigIdentity>(path.join(dir, SERVICE_PIN));
  if (!pin?.path) return pin ? { path: null, hash: null } : null;
  return existsSync(pin.path) ? configIdentity(pin.path) : null;
}

// ---------------------------------------------------------------- start

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'remote-trigger.mjs');

/**
 * The running service, started first when there is none.
 *
 * - `startsTriggers`: the caller is about to start triggers (`trigger`, the library): a
 *   service running with another configuration is refused (ConfigMismatchError, exit 2), and a
 *   new service is started with the caller's configuration.
 * - otherwise (`status`, `wait`, `abort`, `artifact`): any running service will do; a new one
 *   is started with the configuration of the last service (service-config.json) when there
 *   was one, so that a command run without --config cannot start a worker that lacks the
 *   credentials of open triggers.
 */
export async function ensureLocalService(
  dir: string,
  opts: { config: ConfigIdentity; startsTriggers: boolean; log?: (line: string) => void },
): Promise<ServiceRecord> {
  const log = opts.log ?? (() => {});
  const check = (rec: ServiceRecord): ServiceRecord => {
    if (opts.startsTriggers && !sameConfig(rec.config, opts.config)) throw new ConfigMismatchError(dir, rec.config, opts.config);
    return rec;
  };
  const running = runningService(dir);
  if (running) return check(running);

  mkdirSync(dir, { recursive: true });
  const release = await acquireLock(path.join(dir, SERVICE_LOCK));
  try {
    const again = runningService(dir);
    if (again) return check(again);
    const config = opts.startsTriggers ? opts.config : (pinnedConfig(dir) ?? opts.config);
    return await startService(dir, config, log);
  } finally {
    release();
  }
}

async function startService(dir: string, config: ConfigIdentity, log: (line: string) => void): Promise<ServiceRecord> {
  const token = randomUUID();
  const logFile = path.join(dir, SERVICE_LOG);
  rmSync(path.join(dir, SERVICE_FAILURE), { force: true });
  const fd = openSync(logFile, 'w');
  const env: NodeJS.ProcessEnv = { ...process.env, REMOTE_TRIGGER_STATE_DIR: dir };
  delete env.REMOTE_TRIGGER_CONFIG; // the configuration is given explicitly
  delete env.NODE_TEST_CONTEXT;
  const args = [BIN, 'service', 'run', '--token', token, ...(config.path ? ['--config', config.path] : ['--no-config'])];
  const child = spawn(process.execPath, args, { detached: true, cwd: dir, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  let exited: number | null = null;
  child.once('exit', (code, signal) => (exited = code ?? (signal ? 128 : 1)));
  log(`Starting the local service of ${dir} (Temporal dev server + one worker, ${describeConfig(config)}; log: ${logFile})`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rec = readServiceRecord(dir);
    if (rec?.token === token) return rec;
    if (exited !== null) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-12).join('\n');
      const message = `the local service exited with code ${exited} before it was ready; ${logFile}:\n${tail}`;
      // Its failure type, when it could say (e.g. NoTemporalCli), is this command's as well.
      const type = readServiceFailure(dir);
      throw type ? new FailureError(message, type) : new Error(message);
    }
    if (Date.now() > deadline) throw new Error(`the local service was not ready within 120 s; see ${logFile}`);
    await delay(100);
  }
}

/** Called by `service run` when the service fails before it is ready: the starting command reads the type. */
export function recordServiceFailure(dir: string, type: string): void {
  try {
    writeFileSync(path.join(dir, SERVICE_FAILURE), JSON.stringify({ type }));
  } catch {
    // The starting command then reports the exit without a type.
  }
}

function readServiceFailure(dir: string): string | null {
  try {
    const { type } = JSON.parse(readFileSync(path.join(dir, SERVICE_FAILURE), 'utf8')) as { type?: unknown };
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- stop

/**
 * Stops the local service of a state directory: the worker process (SIGTERM, SIGKILL after
 * 30 s), then the dev server, each checked to be ours before it is signalled and waited for
 * until it is gone; removes their records.
 */
export async function stopLocalService(dir: string): Promise<{ servicePid: number | null; serverPid: number | null }> {
  const release = await acquireLock(path.join(dir, SERVICE_LOCK));
  try {
    const rec = readServiceRecord(dir);
    const { embeddedServerRecord, stopEmbeddedServer } = await import('./embedded-server.js');
    const server = embeddedServerRecord(dir);
    const serverRan = server !== null && processMatches(server.pid, path.join(dir, 'temporal.sqlite'));
    let servicePid: number | null = null;
    if (rec && processMatches(rec.pid, rec.token)) {
      servicePid = rec.pid;
      try {
        process.kill(rec.pid, 'SIGTERM');
      } catch {
        /* gone meanwhile */
      }
      await waitGone(rec.pid, rec.token, 30_000);
    }
    removeServiceRecord(dir);
    // The service stops its dev server itself; one left behind (a killed service) is stopped here.
    await stopEmbeddedServer(dir);
    return { servicePid, serverPid: serverRan ? server.pid : null };
  } finally {
    release();
  }
}
