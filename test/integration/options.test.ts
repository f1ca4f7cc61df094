import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RemoteJobHandle, RemoteTriggerError } from '../../src/handle.js';
import { triggerPosts } from '../support/exactly-once.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

const API_TOKEN = '11aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const PASSWORD = 'pa$$word';
const BEARER = 'bearer-token-value';
const JOB_TOKEN = 'job-trigger-token';

/**
 * The step's options exercised against the emulator (auth kinds, job token, caches, maxConn,
 * preventRemoteBuildQueue, timeout, passingResults …). Secrets reach the worker through
 * environment variables and temporal.yaml credentials only.
 */
describe('options against the emulator', () => {
  let h: Harness;
  const env = { ...process.env, RT_API_TOKEN: API_TOKEN, RT_PASSWORD: PASSWORD, RT_BEARER: BEARER, RT_JOB_TOKEN: JOB_TOKEN };
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          { name: 'secured', parameters: [{ name: 'P', default: 'd' }], build: { durationMs: 300 } },
          { name: 'tokened', token: JOB_TOKEN, build: { durationMs: 300 } },
          { name: 'busy', parameters: [{ name: 'RUN' }], build: { durationMs: 2500 } },
          { name: 'long', parameters: [{ name: 'RUN' }], concurrentBuild: true, build: { durationMs: 60_000 } },
          { name: 'unstable', build: { durationMs: 300, result: 'UNSTABLE' } },
          { name: 'quick', parameters: [{ name: 'RUN' }], concurrentBuild: true, build: { durationMs: 200 } },
        ],
        security: {
          anonymousRead: false,
          anonymousBuild: false,
          users: [{ name: 'ci', password: PASSWORD, apiTokens: [API_TOKEN], bearerTokens: [BEARER] }],
        },
      },
      config: (url) => ({
        remoteHosts: [
          { name: 'jenkins', url, auth: { type: 'TokenAuth', userName: 'ci', apiTokenEnv: 'RT_API_TOKEN' } },
          { name: 'jenkins-password', url, auth: { type: 'CredentialsAuth', credentials: 'ci-password' } },
          { name: 'jenkins-limited', url, auth: { type: 'TokenAuth', userName: 'ci', apiTokenEnv: 'RT_API_TOKEN' }, maxConn: 1 },
          { name: 'jenkins-wide', url, auth: { type: 'TokenAuth', userName: 'ci', apiTokenEnv: 'RT_API_TOKEN' }, maxConn: 5 },
          // Same Jenkins under another name: its credentials must not follow a job URL elsewhere.
          { name: 'elsewhere', url: 'http://other-host.invalid:8080', auth: { type: 'TokenAuth', userName: 'ci', apiTokenEnv: 'RT_API_TOKEN' } },
        ],
        credentials: { 'ci-password': { username: 'ci', passwordEnv: 'RT_PASSWORD' } },
        // Variables the options below may name as secrets (a worker reads no other for a caller).
        secretEnvAllow: ['RT_BEARER', 'RT_JOB_TOKEN', 'RT_NOT_SET'],
      }),
      worker: false,
    });
    await h.startWorker({ env });
  });
  after(() => h?.teardown());

  const posts = (pathSuffix: string) => h.emulator.requests({ method: 'POST' }).filter((r) => r.path.endsWith(pathSuffix));
  const crumbRequests = () => h.emulator.requests({ pathPrefix: '/crumbIssuer' }).length;

  test('TokenAuth (from the named host): API token, no crumb fetched', async () => {
    const before = crumbRequests();
    const s = await (await h.start({ remoteJenkinsUrl: undefined, remoteJenkinsName: 'jenkins', job: 'secured', parameters: { P: 'token' } })).result();
    assert.equal(s.result, 'SUCCESS');
    assert.equal(crumbRequests(), before);
    assert.equal(posts('/job/secured/buildWithParameters').at(-1)!.headers.authorization, 'Basic ***');
  });

  test('CredentialsAuth with a password: crumb + session cookie; useCrumbCache reuses it', async () => {
    const before = crumbRequests();
    for (const run of ['a', 'b']) {
      const s = await (await h.start({ remoteJenkinsUrl: undefined, remoteJenkinsName: 'jenkins-password', job: 'quick', parameters: { RUN: run }, useCrumbCache: true })).result();
      assert.equal(s.result, 'SUCCESS');
    }
    assert.equal(crumbRequests() - before, 1, 'one crumb for two triggers with the cache');
    const noCache = crumbRequests();
    await (await h.start({ remoteJenkinsUrl: undefined, remoteJenkinsName: 'jenkins-password', job: 'quick', parameters: { RUN: 'c' } })).result();
    assert.equal(crumbRequests() - noCache, 1, 'a crumb per trigger without the cache');
    assert.match(posts('/job/quick/buildWithParameters').at(-1)!.headers.cookie ?? '', /JSESSIONID\.[0-9a-f]+=\*\*\*/);
  });

  test('job-level auth overrides the host: BearerTokenAuth and TokenAuth by env; NoneAuth sends nothing', async () => {
    const bearer = await (await h.start({ remoteJenkinsName: 'jenkins', job: 'quick', parameters: { RUN: 'bearer' }, auth: { type: 'BearerTokenAuth', tokenEnv: 'RT_BEARER' } })).result();
    assert.equal(bearer.result, 'SUCCESS');
    assert.equal(posts('/job/quick/buildWithParameters').at(-1)!.headers.authorization, 'Bearer ***');
    const none = await h.start({ remoteJenkinsName: 'jenkins', job: 'quick', parameters: { RUN: 'none' }, auth: { type: 'NoneAuth' } });
    await assert.rejects(none.result(), (e: unknown) => e instanceof RemoteTriggerError && /403/.test(e.message));
    const lastGet = h.emulator.requests({ pathPrefix: '/job/quick/api/json' }).at(-1)!;
    assert.equal(lastGet.headers.authorization, undefined);
  });

  test('a secret missing on the worker fails, after the bounded wait for a worker that has it, with WorkerMisconfigured naming the variable', async () => {
    const handle = await h.start({ remoteJenkinsName: 'jenkins', job: 'quick', auth: { type: 'TokenAuth', userName: 'ci', apiTokenEnv: 'RT_NOT_SET' } });
    await assert.rejects(handle.result(), (e: unknown) => e instanceof RemoteTriggerError && e.type === 'WorkerMisconfigured' && /RT_NOT_SET/.test(e.message));
  });

  test('token: the job token from an env reference is sent as token= (redacted in every record)', async () => {
    const s = await (await h.start({ remoteJenkinsName: 'jenkins', job: 'tokened', token: { env: 'RT_JOB_TOKEN' } })).result();
    assert.equal(s.result, 'SUCCESS');
    assert.equal(posts('/job/tokened/build').at(-1)!.query.token, '***');
  });

  test('a job token does not give anonymous callers read access (as in Jenkins): 403 names the missing permission', async () => {
    const handle = await h.start({ auth: { type: 'NoneAuth' }, job: 'tokened', token: { env: 'RT_JOB_TOKEN' } });
    await assert.rejects(handle.result(), (e: unknown) => {
      assert.ok(e instanceof RemoteTriggerError);
      assert.match(e.message, /403/);
      assert.match(e.message, /hudson\.model\.Hudson\.Read/);
      assert.match(e.message, /tree=…/);
      return true;
    });
  });

  test('credentials of a named host do not follow a job URL to another origin', async () => {
    // `elsewhere` has credentials for other-host.invalid; the job URL points at the emulator.
    const handle = await h.start({ remoteJenkinsName: 'elsewhere', job: `${h.emulator.url}/job/quick`, parameters: { RUN: 'origin' } });
    await assert.rejects(handle.result(), /403/);
    const metadata = h.emulator.requests({ pathPrefix: '/job/quick/api/json' }).at(-1)!;
    assert.equal(metadata.headers.authorization, undefined);
  });

  test('useJobInfoCache: one metadata GET for two triggers', async () => {
    const before = h.emulator.requests({ pathPrefix: '/job/unstable/api/json' }).length;
    for (let i = 0; i < 2; i++) await (await h.start({ remoteJenkinsName: 'jenkins', job: 'unstable', useJobInfoCache: true })).result();
    assert.equal(h.emulator.requests({ pathPrefix: '/job/unstable/api/json' }).length - before, 1);
  });

  test('passingResults: UNSTABLE fails when only SUCCESS passes', async () => {
    const handle = await h.start({ remoteJenkinsName: 'jenkins', job: 'unstable', passingResults: ['SUCCESS'] });
    await assert.rejects(handle.result(), (e: unknown) => e instanceof RemoteTriggerError && e.state?.result === 'UNSTABLE' && e.type === 'RemoteBuildFailed');
  });

  test('preventRemoteBuildQueue waits until the running build finished before triggering', async () => {
    const first = await h.start({ remoteJenkinsName: 'jenkins', job: 'busy', parameters: { RUN: 'first' } });
    await eventually(() => h.emulator.builds('busy').some((b) => b.parameters.RUN === 'first' && b.building), 'the first build to run');
    const secondPosts = () => triggerPosts(h.emulator, 'busy', { RUN: 'second' });
    // The first build is held running (the emulator's clock stands still) while the second
    // trigger looks: it must check, see the job busy, check again, and not POST.
    const since = h.emulator.requests().at(-1)!.seq;
    const queueChecks = () => h.emulator.requests({ method: 'GET', pathPrefix: '/queue/api/json' }).filter((r) => r.seq > since);
    h.emulator.clock.pause();
    let second: RemoteJobHandle;
    try {
      second = await h.start({ remoteJenkinsName: 'jenkins', job: 'busy', parameters: { RUN: 'second' }, preventRemoteBuildQueue: true });
      await eventually(() => queueChecks().length >= 2 || secondPosts().length > 0, 'the second trigger to check the queue twice (or to POST)');
      assert.equal(secondPosts().length, 0, 'no trigger POST while the first build runs');
      assert.equal(h.emulator.builds('busy').find((b) => b.parameters.RUN === 'first')?.building, true);
    } finally {
      h.emulator.clock.resume();
    }
    const [a, b] = await Promise.all([first.result(), second.result()]);
    assert.equal(a.result, 'SUCCESS');
    assert.equal(b.result, 'SUCCESS');
    // The POST came after the first build had ended (emulator time): its item never waited Blocked.
    const [secondPost] = secondPosts();
    const firstBuild = await (await fetch(`${a.buildUrl}api/json`, { headers: { authorization: `Basic ${Buffer.from(`ci:${API_TOKEN}`).toString('base64')}` } })).json() as { timestamp: number; duration: number };
    assert.ok(secondPost!.at >= firstBuild.timestamp + firstBuild.duration, `POST at ${secondPost!.at}, first build ended at ${firstBuild.timestamp + firstBuild.duration}`);
    assert.equal(secondPosts().length, 1);
    assert.ok(b.buildNumber! > a.buildNumber!);
    assert.ok(queueChecks().filter((r) => r.seq < secondPost!.seq).length >= 2, 'the idle check ran more than once before the POST');
  });

  test('timeout: a trigger that takes too long fails with TriggerTimeout and, with abortTriggeredJob, stops the build', async () => {
    const handle = await h.start({ remoteJenkinsName: 'jenkins', job: 'long', parameters: { RUN: 'timeout' }, timeout: 4, abortTriggeredJob: true });
    await assert.rejects(handle.result(), (e: unknown) => e instanceof RemoteTriggerError && e.type === 'TriggerTimeout');
    await eventually(() => h.emulator.builds('long').find((b) => b.parameters.RUN === 'timeout')?.result === 'ABORTED', 'the build to be aborted');
  });

  test('maxConn: requests to one host are serialised with maxConn 1, concurrent with 5', async () => {
    // Every metadata GET of jobs `quick`, `quick-2` and `quick-3` takes 400 ms (emulator time);
    // three triggers start at once, one per job (the same GET for one job would be shared:
    // single-flight).
    const jobs = ['quick', 'quick-2', 'quick-3'];
    for (const name of jobs.slice(1)) h.emulator.setJob({ name, parameters: [{ name: 'RUN' }], concurrentBuild: true, build: { durationMs: 200 } });
    h.emulator.addFault({ kind: 'slow', method: 'GET', path: /^\/job\/quick(-2|-3)?\/api\/json\?/, delayMs: 400 });
    const metadataGets = (tag: string) =>
      h.emulator.requests({ method: 'GET' }).filter((r) => jobs.some((job) => r.path === `/job/${job}/api/json`) && r.seq > marks[tag]!);
    const marks: Record<string, number> = {};
    const batch = (host: string, tag: string) => {
      marks[tag] = h.emulator.requests().at(-1)?.seq ?? 0;
      return Promise.all(jobs.map(async (job, i) => (await h.start({ remoteJenkinsName: host, job, parameters: { RUN: `${tag}${i}` } })).result()));
    };
    try {
      // maxConn 1: each metadata GET arrives only once the one before it was answered.
      await batch('jenkins-limited', 'lim');
      const limited = metadataGets('lim').slice(0, 3);
      assert.equal(limited.length, 3);
      for (let i = 1; i < limited.length; i++) {
        assert.ok(limited[i]!.at >= limited[i - 1]!.answeredAt!, `maxConn 1: GET ${i + 1} arrived before GET ${i} was answered: ${limited.map((r) => `${r.at}..${r.answeredAt}`)}`);
      }
      // maxConn 5: with the emulator's clock held, no answer comes, yet all three GETs arrive.
      h.emulator.clock.pause();
      let wide: Promise<unknown>;
      try {
        wide = batch('jenkins-wide', 'wide');
        await eventually(() => metadataGets('wide').length === 3, 'three metadata GETs in flight at once (maxConn 5)');
        assert.ok(metadataGets('wide').every((r) => r.answeredAt === undefined), 'none answered yet');
      } finally {
        h.emulator.clock.resume();
      }
      await wide;
    } finally {
      h.emulator.clearFaults();
    }
  });

  test('parameterFile: parameters read from a file relative to the caller', async () => {
    const file = path.join(h.tmp, 'params.properties');
    await writeFile(file, '# comment\r\nP=from-file\r\n');
    const s = await (await h.start({ remoteJenkinsName: 'jenkins', job: 'secured', parameterFile: 'params.properties' })).result();
    assert.equal(h.emulator.builds('secured').find((b) => b.number === s.buildNumber)!.parameters.P, 'from-file');
  });
});
