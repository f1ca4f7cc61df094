/**
 * Crash test (docs/RELIABILITY.md, "Crash test"): run as `node --import tsx scripts/crash-test.ts`.
 *
 * Phase 1: a batch of triggers runs on a worker in a child process that is SIGKILLed every
 * 2-4 s, across all phases (job metadata, crumb, trigger POST in flight or answered but not
 * recorded, queued, mid-build, mid-console), each kill followed by a new worker process.
 * Phase 2: the Temporal dev server itself (SQLite file) is SIGKILLed mid-build and while a
 * trigger is queued, and started again on the same file and port.
 *
 * Then every trigger must have finished with the result its job scripts, made exactly one
 * remote build, and its console file must equal the build's consoleText. Prints the figures
 * and ends with `N passed, M failed`; exits non-zero on any failure.
 *
 * Environment: CRASH_SEED (default: time-based), CRASH_STORM_S (default 100).
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startOrAttach } from '../src/client.js';
import { RemoteJobHandle } from '../src/handle.js';
import { ConsoleStore } from '../src/activities/console-store.js';
import { parseConfig } from '../src/options/config.js';
import { buildTriggerInput } from '../src/options/trigger-input.js';
import type { StepOptionsInput } from '../src/options/step-options.js';
import type { TriggerState } from '../src/workflows/state.js';
import type { BuildResult } from '../src/emulator/types.js';
import { freePort } from '../src/temporal/embedded-server.js';
import { activityOutcomes, exactlyOnce } from '../test/support/exactly-once.js';
import { Harness } from '../test/support/harness.js';
import { spawnWorker, startTemporalServer, type Proc, type WorkerSpec } from '../test/support/processes.js';
import { eventually, sleep } from '../test/support/wait.js';

// The workers it kills hand their waits to the next worker after this heartbeat timeout
// (docs/design.md §16); the default 240 s would make each kill cost four minutes.
process.env.REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS ??= '10';
const t0 = Date.now();
const seed = Number(process.env.CRASH_SEED ?? t0 % 1_000_000);
const STORM_MS = Number(process.env.CRASH_STORM_S ?? 100) * 1000;
const PHASE1_DEADLINE_MS = 6 * 60_000;
/** The whole script's limit: a stuck run fails CI in minutes instead of eating its 90. */
const OVERALL_LIMIT_MS = 20 * 60_000;
setTimeout(() => {
  process.stdout.write(`crash test: over its ${OVERALL_LIMIT_MS / 60_000} min limit, giving up\n${passed} passed, ${failed + 1} failed\n`);
  process.exit(1);
}, OVERALL_LIMIT_MS).unref();

// Deterministic "random" kill intervals for a given seed (mulberry32).
let rs = seed >>> 0;
const rand = () => {
  rs = (rs + 0x6d2b79f5) >>> 0;
  let t = rs;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (line: string) => process.stdout.write(`[${secs()}s] ${line}\n`);

let passed = 0;
let failed = 0;
const failures: string[] = [];
function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else {
    failed++;
    failures.push(`${name}${detail ? `: ${detail}` : ''}`);
    say(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}

// ---- the remote side ------------------------------------------------------------------------

const MARKER = { name: 'REMOTE_TRIGGER_ID' };
const scripts: Record<string, { durationMs: number; result: BuildResult; consoleLines: number }> = {
  ok8: { durationMs: 8000, result: 'SUCCESS', consoleLines: 60 },
  ok12: { durationMs: 12_000, result: 'SUCCESS', consoleLines: 90 },
  ok14: { durationMs: 14_000, result: 'SUCCESS', consoleLines: 100 },
  ok20: { durationMs: 20_000, result: 'SUCCESS', consoleLines: 150 },
  fail8: { durationMs: 8000, result: 'FAILURE', consoleLines: 50 },
  fail10: { durationMs: 10_000, result: 'FAILURE', consoleLines: 70 },
  fail18: { durationMs: 18_000, result: 'FAILURE', consoleLines: 120 },
  unstable10: { durationMs: 10_000, result: 'UNSTABLE', consoleLines: 80 },
  unstable12: { durationMs: 12_000, result: 'UNSTABLE', consoleLines: 80 },
  unstable16: { durationMs: 16_000, result: 'UNSTABLE', consoleLines: 110 },
  srv20: { durationMs: 20_000, result: 'SUCCESS', consoleLines: 160 },
  srv15: { durationMs: 15_000, result: 'UNSTABLE', consoleLines: 100 },
};

interface Planned {
  id: string;
  job: string;
  /** undefined for the non-parameterized job. */
  N?: string;
  script?: string;
  expected: BuildResult;
}

// app: concurrent, declares the marker. lib: one build at a time (later items wait Blocked), no
// marker (matched by parameters). nightly: not parameterized. Three executors for all of them,
// so app items also wait as Buildable ("Waiting for next available executor").
const batch: Planned[] = [
  ['app', 'ok8'], ['lib', 'ok8'], ['app', 'fail10'], ['app', 'unstable12'], ['lib', 'unstable10'], ['nightly', undefined],
  ['app', 'ok14'], ['lib', 'fail8'], ['app', 'fail18'], ['app', 'ok20'], ['lib', 'ok12'], ['app', 'unstable16'],
].map(([job, script], i) => ({
  id: `crash-${seed}-${i + 1}`,
  job: job!,
  ...(script ? { N: `t${i + 1}`, script } : {}),
  expected: script ? scripts[script]!.result : 'UNSTABLE',
}));

const options = (p: Planned, url: string): StepOptionsInput => ({
  job: p.job,
  remoteJenkinsUrl: url,
  // EMULATOR_SCRIPT picks the emulator's build script; the jobs do not define it.
  ...(p.N ? { parameters: { N: p.N, EMULATOR_SCRIPT: p.script! }, allowUndefinedParameters: true } : {}),
  enhancedLogging: true,
  pollInterval: 1,
  httpGetReadTimeout: 2000,
  httpPostReadTimeout: 5000,
});

async function main(): Promise<void> {
  say(`crash test, seed ${seed} (CRASH_SEED=${seed} repeats the kill timing)`);
  const h = await Harness.start({
    worker: false,
    scenario: {
      executors: 3,
      jobs: [
        { name: 'app', parameters: [{ name: 'N' }, MARKER], concurrentBuild: true, build: { durationMs: 10_000, consoleLines: 50 } },
        { name: 'lib', parameters: [{ name: 'N' }] },
        { name: 'nightly', build: { durationMs: 12_000, result: 'UNSTABLE', consoleLines: 90 } },
        { name: 'srv', parameters: [{ name: 'N' }, MARKER] },
      ],
      scripts,
    },
  });
  const emu = h.emulator;
  try {
    // Widen the windows around the trigger POST so that kills land in them.
    emu.addFault({ kind: 'slow', method: 'GET', path: '/crumbIssuer/api/json', times: 4, delayMs: 2000 });
    emu.addFault({ kind: 'acceptThenSlow', method: 'POST', path: '/job/app/buildWithParameters', times: 4, delayMs: 3000 });
    emu.addFault({ kind: 'slow', method: 'POST', path: '/job/lib/buildWithParameters', times: 2, delayMs: 2500 });
    emu.addFault({ kind: 'acceptThenSlow', method: 'POST', path: '/job/nightly/build', times: 1, delayMs: 3000 });

    const phase1 = await workerKills(h);
    const phase2 = await serverKills(h);

    const total = (Date.now() - t0) / 1000;
    console.log('');
    console.log('== crash test figures ==');
    console.log(`command: node --import tsx scripts/crash-test.ts   (CRASH_SEED=${seed}, storm ${STORM_MS / 1000} s)`);
    console.log(`phase 1 (worker SIGKILL): ${phase1.kills} kills, ${phase1.kills} worker restarts, ${batch.length} triggers, ${phase1.builds} remote builds, ${phase1.posts} trigger POSTs (${phase1.accepted} accepted), ${phase1.recovered} recovered by the retry, ${phase1.consoleBytes} console bytes compared`);
    console.log(`  trigger phases hit by kills (trigger x kill):`);
    for (const [phase, n] of Object.entries(phase1.phaseHits).sort()) console.log(`    ${phase.padEnd(44)} ${n}`);
    console.log(`  kills that hit at least one trigger in the phase: ${Object.entries(phase1.killsPerPhase).sort().map(([k, v]) => `${k}=${v}`).join(', ')}`);
    console.log(`  fault rules used to widen windows: ${phase1.faults}`);
    console.log(`phase 2 (Temporal server SIGKILL): ${phase2.serverKills} server kills + restarts on the SQLite file, ${phase2.workerRestarts} worker restarts needed, ${phase2.triggers} triggers, ${phase2.builds} remote builds, ${phase2.consoleBytes} console bytes compared`);
    console.log(`  observed: ${phase2.observed.join('; ')}`);
    console.log(`total time ${total.toFixed(0)} s`);
  } finally {
    await h.teardown().catch(() => {});
  }
  if (failures.length) {
    console.log('failures:');
    for (const f of failures) console.log(`  - ${f}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// ---- phase 1: workers killed ---------------------------------------------------------------

async function workerKills(h: Harness) {
  const emu = h.emulator;
  const spec = await h.workerSpec();
  const handles = new Map<string, RemoteJobHandle>();
  const closed = new Set<string>();
  const finalStates = new Map<string, TriggerState>();
  const phaseHits: Record<string, number> = {};
  const killsPerPhase: Record<string, number> = {};

  let worker: Proc = await spawnWorker(spec, { quiet: true });
  say(`phase 1: worker process up; ${batch.length} triggers start one every 2.5 s`);
  // Triggers start staggered, so that kills land before and around their POSTs too.
  const starter = (async () => {
    for (const p of batch) {
      const input = await buildTriggerInput(options(p, emu.url), { config: h.config, triggerId: p.id, cwd: h.tmp });
      await startOrAttach(h.client, h.taskQueue, input);
      handles.set(p.id, new RemoteJobHandle(h.client, p.id));
      await sleep(2500);
    }
  })();
  const watcher = (async () => {
    while (closed.size < batch.length && Date.now() - t0 < PHASE1_DEADLINE_MS) {
      for (const [id, handle] of handles) {
        if (closed.has(id)) continue;
        const desc = await h.client.workflow.getHandle(id).describe().catch(() => null);
        if (desc && desc.status.name !== 'RUNNING') {
          closed.add(id);
          finalStates.set(id, await handle.result({ throwOnFailure: false }));
          say(`trigger ${id} closed: ${finalStates.get(id)!.status} ${finalStates.get(id)!.result}`);
        }
      }
      await sleep(500);
    }
  })();

  let kills = 0;
  const stormEnd = Date.now() + STORM_MS;
  while (Date.now() < stormEnd && closed.size < batch.length) {
    await sleep(2000 + rand() * 2000);
    const phases = await phasesNow(h, handles, closed);
    await worker.kill('SIGKILL');
    kills++;
    for (const p of phases) phaseHits[p] = (phaseHits[p] ?? 0) + 1;
    for (const p of new Set(phases.map((x) => x.split(':')[0]!))) killsPerPhase[p] = (killsPerPhase[p] ?? 0) + 1;
    say(`kill #${kills}: ${phases.join(', ') || 'no trigger in flight'}`);
    worker = await spawnWorker(spec, { quiet: true });
  }
  await starter;
  say(`phase 1: kill storm over after ${kills} kills; the last worker finishes the batch`);
  await watcher;
  await worker.kill('SIGKILL');

  // ---- checks
  let builds = 0;
  let consoleBytes = 0;
  let posts = 0;
  let accepted = 0;
  let recovered = 0;
  for (const p of batch) {
    const s = finalStates.get(p.id);
    check(`${p.id} (${p.job} ${p.script ?? ''}) finished`, s?.status === 'FINISHED', s ? `${s.status} ${s.error?.type ?? ''} ${s.error?.message ?? ''}` : 'did not close in time');
    if (!s) continue;
    check(`${p.id} result ${p.expected}`, s.result === p.expected, `got ${s.result}`);
    const once = await exactlyOnce({ emulator: emu, job: p.job, state: s, ...(p.N ? { params: { N: p.N } } : {}), posts: 'one-accepted', console: { dir: h.consoleDir, triggerId: p.id } });
    // Extra POSTs are fine only if Jenkins never acted on them: killed before being processed
    // (status 0, `slow`) or folded into the queued item (303).
    for (const c of once.checks) check(`${p.id} ${c.name}`, c.ok, c.detail);
    builds += once.builds.length;
    posts += once.posts.length;
    accepted += once.posts.filter((r) => r.status === 201).length;
    consoleBytes += once.consoleBytes;
    const [trig] = await activityOutcomes(h.client, p.id, 'triggerBuild');
    if ((trig?.result as { recovered?: string | null } | undefined)?.recovered) recovered++;
  }
  const nightly = emu.builds('nightly').length;
  check('nightly (non-parameterized) built once', nightly === 1, `${nightly} builds`);
  for (const phase of ['before POST', 'trigger POST', 'queued', 'running']) {
    check(`phase 1 killed a worker at least once with a trigger ${phase}`, (killsPerPhase[phase] ?? 0) > 0);
  }
  return { kills, builds, posts, accepted, recovered, consoleBytes, phaseHits, killsPerPhase, faults: 'slow crumb x4 (2 s), acceptThenSlow POST app x4 (3 s), slow POST lib x2 (2.5 s), acceptThenSlow POST nightly x1 (3 s)' };
}

/** Where each unfinished trigger is right now: its pending activity, refined by the emulator's log. */
async function phasesNow(h: Harness, handles: Map<string, RemoteJobHandle>, closed: Set<string>): Promise<string[]> {
  const out: string[] = [];
  for (const [id] of handles) {
    if (closed.has(id)) continue;
    const p = batch.find((b) => b.id === id)!;
    const desc = await h.client.workflow.getHandle(id).describe().catch(() => null);
    if (!desc || desc.status.name !== 'RUNNING') continue;
    const acts = (desc.raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? '?');
    const act = acts[0];
    if (act === 'inspectJob') out.push('before POST: job metadata');
    else if (act === 'triggerBuild') {
      const posts = h.emulator
        .requests({ method: 'POST', pathPrefix: `/job/${p.job}/` })
        .filter((r) => /\/(build|buildWithParameters)$/.test(r.path) && (p.N ? new URLSearchParams(r.body).get('N') === p.N : true));
      const last = posts.at(-1);
      if (!last) out.push('before POST: crumb or POST not sent yet');
      else if (last.status === 0 && last.fault === 'slow') out.push('trigger POST: sent, not yet processed');
      else if (last.status === 0) out.push('trigger POST: accepted, answer pending');
      else out.push('trigger POST: answered, not yet recorded');
    } else if (act === 'awaitBuildStart') out.push('queued: waiting for the build to start');
    else if (act === 'watchBuild') {
      const file = new ConsoleStore(h.consoleDir).logPath(id);
      const bytes = (() => {
        try {
          return statSync(file).size;
        } catch {
          return 0;
        }
      })();
      out.push(bytes > 0 ? 'running: mid-console' : 'running: mid-build, no console yet');
    } else out.push(`workflow task${act ? ` (${act})` : ''}`);
  }
  return out;
}

// ---- phase 2: the Temporal server killed -----------------------------------------------------

async function serverKills(h: Harness) {
  const emu = h.emulator;
  const dir = path.join(h.tmp, 'server-restart');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.sqlite');
  const logFile = path.join(dir, 'server.log');
  const observed: string[] = [];
  let server = await startTemporalServer({ port, dbFile, logFile });
  const address = `127.0.0.1:${port}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `crash-srv-${seed}`;
  const consoleDir = path.join(dir, 'console');
  // The harness' configuration: the worker is a shared worker and reaches only the emulator it names.
  const spec: WorkerSpec = { ...(await h.workerSpec()), address, taskQueue, consoleDir };
  let worker = await spawnWorker(spec, { quiet: true });
  say(`phase 2: own dev server on ${address} (SQLite ${dbFile}), worker up`);

  // srv is not concurrent: srv-1 runs, srv-2 waits Blocked behind it; srv-3 runs on app.
  const plan: Array<Planned> = [
    { id: `srv-${seed}-1`, job: 'srv', N: 's1', script: 'srv20', expected: 'SUCCESS' },
    { id: `srv-${seed}-2`, job: 'srv', N: 's2', script: 'srv15', expected: 'UNSTABLE' },
    { id: `srv-${seed}-3`, job: 'app', N: 's3', script: 'fail18', expected: 'FAILURE' },
  ];
  const config = parseConfig(h.configInput);
  for (const p of plan) {
    const input = await buildTriggerInput(options(p, emu.url), { config, triggerId: p.id, cwd: h.tmp });
    await startOrAttach(client, taskQueue, input);
  }
  const handles = plan.map((p) => new RemoteJobHandle(client, p.id));
  const consoleBytesOf = (id: string) => {
    try {
      return statSync(new ConsoleStore(consoleDir).logPath(id)).size;
    } catch {
      return 0;
    }
  };
  // Kill #1 once srv-1 is mid-console and srv-2 is queued behind it; kill #2 once srv-2 is
  // mid-console, with a downtime longer than the watchers' heartbeat timeout (10 s).
  let serverKills = 0;
  let workerRestarts = 0;
  // Jenkins may start either srv trigger first (both wait for an executor): the kill points
  // follow whichever runs first ("lead") and the one queued behind it.
  let lead = -1;
  const srvRunningMidConsole = (st: TriggerState[], i: number, bytes: number) => st[i]!.status === 'RUNNING' && consoleBytesOf(plan[i]!.id) > bytes;
  const killPoints = [
    {
      downMs: 3000,
      what: 'one srv build mid-console, the other srv trigger queued behind it, the app build running',
      ready: (st: TriggerState[]) => {
        for (const [i, j] of [[0, 1], [1, 0]] as const) {
          if (srvRunningMidConsole(st, i, 300) && st[j]!.status === 'QUEUED') {
            lead = i;
            return true;
          }
        }
        return false;
      },
    },
    { downMs: 12_000, what: 'the second srv build mid-console', ready: (st: TriggerState[]) => srvRunningMidConsole(st, 1 - lead, 300) },
  ];
  let pointIndex = 0;
  for (const { downMs, what, ready } of killPoints) {
    pointIndex++;
    // Bounded: a kill point that is never reached is a failed check, never a hang.
    const outcome = await eventually(
      async () => {
        const st = await Promise.all(handles.map((x) => x.state()));
        if (ready(st)) return 'reached';
        return st.every((x) => x.status === 'FINISHED') ? 'passed' : null;
      },
      `kill point ${pointIndex}`,
      180_000,
      300,
    ).catch(() => 'not seen');
    const reached = outcome === 'reached';
    check(`server kill point ${pointIndex} reached (${what})`, reached, 'the triggers moved past it before it was seen');
    if (!reached) break;
    const at = await Promise.all(handles.map((x) => x.state()));
    observed.push(`server kill #${serverKills + 1} at: ${at.map((st, i) => `${plan[i]!.id.split('-').slice(0, 1)}-${i + 1} ${st.status}`).join(', ')} (${what})`);
    say(`phase 2: SIGKILL of the Temporal server (down ${downMs / 1000} s)`);
    await server.kill('SIGKILL');
    serverKills++;
    await sleep(downMs);
    server = await startTemporalServer({ port, dbFile, logFile });
    say(`phase 2: server back on the same SQLite file; worker process ${worker.alive() ? 'still alive' : 'exited'}`);
    observed.push(`after kill #${serverKills} (down ${downMs / 1000} s) the worker process was ${worker.alive() ? 'still alive' : 'gone'}`);
    // Does the same worker carry on? Give it 40 s to answer queries and move a trigger on.
    const snapshot = (): Promise<string[] | null> =>
      Promise.all(handles.map((x) => x.state()))
        .then((all) => all.map((s) => `${s.status}/${s.result}`))
        .catch(() => null);
    let first: string[] | null = null;
    const progressed = await eventually(
      async () => {
        const now = await snapshot();
        if (!now) return false;
        if (first && now.join() !== first.join()) return true;
        first ??= now;
        return now.every((x) => x.startsWith('FINISHED'));
      },
      'a trigger to move on',
      40_000,
      1000,
    ).catch(() => false);
    observed.push(progressed ? 'the same worker process answered queries and moved a trigger on within 40 s' : 'no trigger moved on within 40 s');
    if (!worker.alive() || !progressed) {
      await worker.kill('SIGKILL');
      worker = await spawnWorker(spec, { quiet: true });
      workerRestarts++;
      observed.push('so a new worker process was started');
    }
  }
  const states = await Promise.all(handles.map((x) => eventually(() => x.result({ throwOnFailure: false }), `${x.workflowId} to finish`, 240_000, 500)));
  let builds = 0;
  let consoleBytes = 0;
  for (const [i, p] of plan.entries()) {
    const s = states[i]!;
    check(`${p.id} (server restarts) finished`, s.status === 'FINISHED', `${s.status} ${s.error?.message ?? ''}`);
    check(`${p.id} (server restarts) result ${p.expected}`, s.result === p.expected, `got ${s.result}`);
    const once = await exactlyOnce({ emulator: emu, job: p.job, state: s, params: { N: p.N! }, console: { dir: consoleDir, triggerId: p.id } });
    for (const c of once.checks) check(`${p.id} (server restarts) ${c.name}`, c.ok, c.detail);
    builds += once.builds.length;
    consoleBytes += once.consoleBytes;
  }
  await worker.kill('SIGKILL');
  await connection.close().catch(() => {});
  await server.kill('SIGKILL');
  return { serverKills, workerRestarts, triggers: plan.length, builds, consoleBytes, observed };
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
