// Single-flight of crumb and job metadata requests on one worker (src/jenkins/single-flight.ts),
// through the activities' own wiring (SharedState, jenkinsFor), counted on the emulator's request
// log. The clock of the window and the caches is a fake one: no test here waits for time to pass.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ConsoleStore } from '../../src/activities/console-store.js';
import { type ActivityDeps, type SharedState, clientSettingsOf, createSharedState, jenkinsFor } from '../../src/activities/context.js';
import { inspectJob } from '../../src/activities/trigger.js';
import type { JobFacts } from '../../src/activities/types.js';
import type { JenkinsEmulator } from '../../src/emulator/index.js';
import type { TriggerResponse } from '../../src/jenkins/index.js';
import { parseConfig } from '../../src/options/config.js';
import { buildTriggerInput, type TriggerInput } from '../../src/options/trigger-input.js';
import { startEmulator } from '../support/emulator.js';
import { eventually } from '../support/wait.js';
import { startServer, sendJson } from '../jenkins/helpers/server.js';

const PASSWORD = 'pa$$word';

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

async function setUp(t: { after: (fn: () => Promise<void> | void) => void }) {
  const emulator = await startEmulator(t, {
    csrf: { enabled: true },
    security: { anonymousRead: false, anonymousBuild: false, users: [{ name: 'ci', password: PASSWORD }] },
    jobs: [
      { name: 'demo', parameters: [{ name: 'RUN' }], quietPeriodMs: 600_000, concurrentBuild: true },
      { name: 'other', quietPeriodMs: 600_000 },
    ],
  });
  const config = parseConfig({
    remoteHosts: [{ name: 'emu', url: emulator.url, auth: { type: 'CredentialsAuth', credentials: 'ci' } }],
    credentials: { ci: { username: 'ci', passwordEnv: 'EMU_PASSWORD' } },
  });
  const deps: ActivityDeps = {
    config,
    env: { EMU_PASSWORD: PASSWORD },
    consoleStore: new ConsoleStore(mkdtempSync(path.join(os.tmpdir(), 'single-flight-'))),
  };
  const clock = fakeClock();
  const shared = createSharedState(clock.now);
  const input = (options: Record<string, unknown> = {}) =>
    buildTriggerInput({ job: 'demo', remoteJenkinsName: 'emu', ...options }, { config, triggerId: 'single-flight' });
  return { emulator, deps, shared, clock, input };
}

const logger = new DefaultLogger('ERROR');
/** Each call in an activity context of its own, as separate triggers' activities are. */
const activity = () => new MockActivityEnvironment({}, { logger });

const jobInfoRequests = (emulator: JenkinsEmulator, job = 'demo') => emulator.requests({ method: 'GET', pathPrefix: `/job/${job}/api/json` }).length;
const crumbRequests = (emulator: JenkinsEmulator) => emulator.requests({ pathPrefix: '/crumbIssuer' }).length;

function inspect(deps: ActivityDeps, shared: SharedState, input: TriggerInput, env = activity()): Promise<JobFacts> {
  return env.run(inspectJob, deps, shared, input) as Promise<JobFacts>;
}

/** A trigger POST (it needs a crumb: password auth) from an activity of its own. */
function post(deps: ActivityDeps, shared: SharedState, input: TriggerInput, run: string): Promise<TriggerResponse> {
  return activity().run(async () => {
    const jenkins = jenkinsFor(input.target, clientSettingsOf(input), deps, shared, input.token);
    return jenkins.triggerBuild({ jobUrl: input.target.jobUrl, parameterized: true, parameters: [['RUN', run]] });
  }) as Promise<TriggerResponse>;
}

describe('single-flight: job metadata', () => {
  it('20 concurrent inspectJob calls make one job-info request; 1.5 s later (no cache) another', async (t) => {
    const { emulator, deps, shared, clock, input } = await setUp(t);
    const i = await input();
    const facts = await Promise.all(Array.from({ length: 20 }, () => inspect(deps, shared, i)));
    assert.equal(jobInfoRequests(emulator), 1);
    assert.ok(facts.every((f) => f.fullName === 'demo' && f.parameterized));

    clock.advance(500); // within the second of the request: its answer is shared still
    await inspect(deps, shared, i);
    assert.equal(jobInfoRequests(emulator), 1);

    clock.advance(1000); // 1.5 s after the request: never reused without the cache
    await inspect(deps, shared, i);
    assert.equal(jobInfoRequests(emulator), 2);
  });

  it('useJobInfoCache keeps its meaning: 10 minutes per entry', async (t) => {
    const { emulator, deps, shared, clock, input } = await setUp(t);
    const i = await input({ useJobInfoCache: true });
    await Promise.all(Array.from({ length: 5 }, () => inspect(deps, shared, i)));
    clock.advance(1500);
    await inspect(deps, shared, i);
    assert.equal(jobInfoRequests(emulator), 1);
    clock.advance(10 * 60_000);
    await inspect(deps, shared, i);
    assert.equal(jobInfoRequests(emulator), 2);
  });

  it('other jobs and other credentials are not shared', async (t) => {
    const { emulator, deps, shared, input } = await setUp(t);
    const wrong = await input({ auth: { type: 'TokenAuth', userName: 'ci', apiTokenEnv: 'EMU_WRONG' } });
    deps.config.secretEnvAllow.push('EMU_WRONG');
    deps.env.EMU_WRONG = 'not-the-password';
    const [demo, other, refused] = await Promise.allSettled([
      inspect(deps, shared, await input()),
      inspect(deps, shared, await input({ job: 'other' })),
      // Same user name, another secret: must get its own (refused) answer, not the shared one.
      inspect(deps, shared, wrong),
    ]);
    assert.equal(demo.status, 'fulfilled');
    assert.equal(other.status, 'fulfilled');
    assert.equal(refused.status, 'rejected');
    assert.equal(jobInfoRequests(emulator), 2);
    assert.equal(jobInfoRequests(emulator, 'other'), 1);
  });

  it("a cancelled caller's request is not the others' answer: they send their own, once", async (t) => {
    const { emulator, deps, shared, input } = await setUp(t);
    const i = await input();
    emulator.addFault({ kind: 'slow', path: '/job/demo/api/json', delayMs: 30_000, times: 1 });
    const leaderEnv = activity();
    const leader = inspect(deps, shared, i, leaderEnv);
    await eventually(() => jobInfoRequests(emulator) === 1, 'the leading request');
    const others = Array.from({ length: 5 }, () => inspect(deps, shared, i));
    for (let n = 0; n < 3; n++) await new Promise((r) => setImmediate(r)); // all five joined
    assert.equal(jobInfoRequests(emulator), 1);
    leaderEnv.cancel();
    await assert.rejects(leader);
    const facts = await Promise.all(others);
    assert.ok(facts.every((f) => f.fullName === 'demo'));
    assert.equal(jobInfoRequests(emulator), 2);
  });
});

describe('single-flight: crumbs', () => {
  it('20 concurrent POSTs share one crumb and its session; 1.5 s later (no cache) a new crumb', async (t) => {
    const { emulator, deps, shared, clock, input } = await setUp(t);
    const i = await input();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => post(deps, shared, i, `r${n}`)));
    assert.equal(crumbRequests(emulator), 1);
    // Jenkins accepted every POST: each carried the crumb with the session it belongs to.
    assert.ok(answers.every((a) => a.status === 201), JSON.stringify(answers));
    assert.equal(new Set(answers.map((a) => a.queueId)).size, 20);

    clock.advance(1500);
    assert.equal((await post(deps, shared, i, 'later')).status, 201);
    assert.equal(crumbRequests(emulator), 2);
  });

  it('useCrumbCache keeps its meaning: the crumb is reused 1.5 s later', async (t) => {
    const { emulator, deps, shared, clock, input } = await setUp(t);
    const i = await input({ useCrumbCache: true });
    await Promise.all(Array.from({ length: 3 }, (_, n) => post(deps, shared, i, `c${n}`)));
    clock.advance(1500);
    assert.equal((await post(deps, shared, i, 'later')).status, 201);
    assert.equal(crumbRequests(emulator), 1);
  });
});

describe('single-flight and maxConn', () => {
  it('requests for different jobs still wait for the per-host limit', async (t) => {
    let open = 0;
    let peak = 0;
    const server = await startServer(async (req, res) => {
      open++;
      peak = Math.max(peak, open);
      await new Promise((r) => setTimeout(r, 20));
      open--;
      const name = /\/job\/([^/]+)\//.exec(req.url)?.[1] ?? '?';
      sendJson(res, { name, fullName: name, displayName: name, fullDisplayName: name, url: `${server.url}/job/${name}/`, buildable: true, actions: [], property: [] });
    });
    t.after(() => server.close());
    const config = parseConfig({ remoteHosts: [{ name: 'local', url: server.url, maxConn: 2 }] });
    const deps: ActivityDeps = { config, env: {}, consoleStore: new ConsoleStore(mkdtempSync(path.join(os.tmpdir(), 'single-flight-'))) };
    const shared = createSharedState(fakeClock().now);
    const jobs = ['a', 'b', 'c', 'd', 'e', 'f'];
    const inputs = await Promise.all(jobs.map((job) => buildTriggerInput({ job, remoteJenkinsName: 'local' }, { config, triggerId: 'limit' })));
    // Three calls per job: one request per job, at most two at a time.
    await Promise.all(inputs.flatMap((i) => [inspect(deps, shared, i), inspect(deps, shared, i), inspect(deps, shared, i)]));
    assert.equal(server.requests.length, jobs.length);
    assert.equal(peak, 2);
  });
});
