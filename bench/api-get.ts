/**
 * Requests per second of GET /v1/triggers/{id} (the handler, src/edge/api.ts), on Deno and on
 * Node, side by side in one run against one dev server, one worker and the emulator:
 *
 *   deno   src/edge/deno.ts               HTTP API backend (fetch)
 *   node   bench/node-http-entry.ts       HTTP API backend (fetch): same backend, other runtime
 *   serve  remote-trigger serve           gRPC backend (@temporalio/client)
 *
 * Two triggers are read: one that has ended (describe + close event) and one still running
 * (describe + `state` query, answered by the worker). Rounds alternate between the servers so
 * that each sees the same machine state. The load generator is this process (Node fetch,
 * keep-alive, CONCURRENCY requests in flight), on the same machine: figures are relative.
 *
 *   node --import tsx bench/api-get.ts [SECONDS_PER_ROUND=5] [ROUNDS=3] [CONCURRENCY=16]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { freePort } from '../src/temporal/embedded-server.js';
import { CLI_BIN } from '../test/support/cli.js';
import { Harness } from '../test/support/harness.js';
import { eventually } from '../test/support/wait.js';
import { DENO, startApiProcess, type ApiProcess } from '../test/support/processes.js';

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = Number(process.argv[4] ?? 16);
const TOKEN = 'bench-token';

const httpPort = await freePort();
const h = await Harness.start({
  scenario: { jobs: [{ name: 'quick', build: { durationMs: 200 } }, { name: 'long', build: { durationMs: 3_600_000 } }] },
  devServerArgs: ['--http-port', String(httpPort)],
  config: (url) => ({ remoteHosts: [{ name: 'ci', url }] }),
});
const configPath = path.join(h.tmp, 'api.yaml');
writeFileSync(configPath, stringify(h.configInput));
const common = { PATH: process.env.PATH, HOME: process.env.HOME, REMOTE_TRIGGER_API_TOKENS: TOKEN, REMOTE_TRIGGER_TASK_QUEUE: h.taskQueue, REMOTE_TRIGGER_CONFIG: configPath };
const httpEnv = { ...common, PORT: '0', TEMPORAL_HTTP_URL: `http://127.0.0.1:${httpPort}`, TEMPORAL_NAMESPACE: 'default', DENO_NO_UPDATE_CHECK: '1' };

const servers: Array<[string, ApiProcess]> = [];
try {
  servers.push(['deno (HTTP API backend)', await startApiProcess(DENO, ['run', '-A', 'src/edge/deno.ts'], httpEnv)]);
  servers.push(['node (HTTP API backend)', await startApiProcess(process.execPath, ['--import', 'tsx', 'bench/node-http-entry.ts'], httpEnv)]);
  servers.push([
    'node serve (gRPC backend)',
    await startApiProcess(process.execPath, [CLI_BIN, 'serve', '--port', '0'], { ...common, TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: 'default', REMOTE_TRIGGER_STATE_DIR: h.tmp }),
  ]);
  const base = servers[0]![1].url;
  const post = (id: string, job: string) =>
    fetch(`${base}/v1/triggers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, options: { job, remoteJenkinsName: 'ci', pollInterval: 1 } }),
    });
  await post('bench-ended', 'quick');
  await post('bench-running', 'long');
  await eventually(async () => (await (await fetch(`${base}/v1/triggers/bench-ended/result?timeout=30`, { headers: { authorization: `Bearer ${TOKEN}` } })).status) === 200, 'bench-ended to end');
  await eventually(async () => ((await (await fetch(`${base}/v1/triggers/bench-running`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { state?: { status?: string } }).state?.status === 'RUNNING', 'bench-running to run');

  async function load(url: string, seconds: number): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
    const lat: number[] = [];
    let errors = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          const r = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
          await r.arrayBuffer();
          if (r.status !== 200) errors++;
          lat.push(performance.now() - t);
        }
      }),
    );
    lat.sort((a, b) => a - b);
    return { rps: lat.length / seconds, p50: lat[Math.floor(lat.length / 2)] ?? NaN, p99: lat[Math.floor(lat.length * 0.99)] ?? NaN, errors };
  }

  console.log(`GET /v1/triggers/{id}: ${ROUNDS} rounds × ${SECONDS} s per server and trigger, ${CONCURRENCY} in flight; ${new Date().toISOString()}`);
  for (const id of ['bench-ended', 'bench-running']) {
    const totals = new Map<string, { n: number; rps: number[]; p50: number[]; p99: number[]; errors: number }>();
    for (const [, s] of servers) await load(`${s.url}/v1/triggers/${id}`, 1); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, s] of servers) {
        const r = await load(`${s.url}/v1/triggers/${id}`, SECONDS);
        const t = totals.get(name) ?? { n: 0, rps: [], p50: [], p99: [], errors: 0 };
        t.rps.push(r.rps);
        t.p50.push(r.p50);
        t.p99.push(r.p99);
        t.errors += r.errors;
        totals.set(name, t);
      }
    }
    console.log(`\n${id} (${id === 'bench-ended' ? 'describe + close event' : 'describe + state query (worker)'}):`);
    console.log('server                        req/s (per round)              p50 ms   p99 ms   errors');
    for (const [name, t] of totals) {
      const mean = t.rps.reduce((a, b) => a + b, 0) / t.rps.length;
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      console.log(`${name.padEnd(29)} ${mean.toFixed(0).padStart(6)} (${t.rps.map((x) => x.toFixed(0)).join(', ')})`.padEnd(60) + `${med(t.p50).toFixed(1).padStart(7)}  ${med(t.p99).toFixed(1).padStart(7)}  ${String(t.errors).padStart(6)}`);
    }
  }
} finally {
  for (const [, s] of servers) await s.stop();
  await h.teardown();
}
