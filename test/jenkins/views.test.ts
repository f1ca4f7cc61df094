// Mapping of the shared Jenkins fixtures (and a few hand-made variants) to the client's views.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, jobSchema, queueItemSchema } from '../../src/jenkins/schemas.js';
import { toBuildView, toJobInfo, toQueueItemView } from '../../src/jenkins/views.js';
import { MemoryTtlCache } from '../../src/jenkins/index.js';
import { CookieJar } from '../../src/jenkins/cookies.js';
import { triggerBody, triggerUrl } from '../../src/jenkins/trigger-request.js';
import { fixture } from './helpers/fixtures.js';

const ROOT = 'https://ci.example.com';

describe('toQueueItemView', () => {
  const cases: Array<[string, string]> = [
    ['queue-waiting.json', 'waiting'],
    ['queue-blocked.json', 'blocked'],
    ['queue-buildable.json', 'buildable'],
    ['queue-left-starting.json', 'left-starting'],
    ['queue-left-executable.json', 'executable'],
    ['queue-cancelled.json', 'cancelled'],
  ];
  for (const [file, state] of cases) {
    it(`${file} -> ${state}`, () => {
      const view = toQueueItemView(queueItemSchema.parse(fixture(file)), ROOT);
      assert.equal(view.state, state);
    });
  }
  it('re-bases the executable URL and keeps why/stuck', () => {
    assert.deepEqual(toQueueItemView(queueItemSchema.parse(fixture('queue-left-executable.json')), ROOT), {
      id: 143,
      state: 'executable',
      why: null,
      stuck: false,
      executable: { number: 14, url: 'https://ci.example.com/job/demo/14/' },
    });
    const blocked = toQueueItemView(queueItemSchema.parse(fixture('queue-blocked.json')), ROOT);
    assert.equal(blocked.why, 'Build #13 is already in progress (ETA: 15 sec)');
  });
  it('pending buildable item and a LeftItem without _class', () => {
    assert.equal(toQueueItemView(queueItemSchema.parse({ id: 1, buildable: true, pending: true }), ROOT).state, 'pending');
    assert.equal(toQueueItemView(queueItemSchema.parse({ id: 1, cancelled: false, executable: null }), ROOT).state, 'left-starting');
  });
});

describe('toJobInfo', () => {
  it('reads the parameterized fixture', () => {
    const info = toJobInfo(jobSchema.parse(fixture('job-parameterized.json')), ROOT);
    assert.deepEqual(info, {
      name: 'demo',
      fullName: 'demo',
      displayName: 'demo',
      fullDisplayName: 'demo',
      url: 'https://ci.example.com/job/demo/',
      buildable: true,
      parameterized: true,
      parameterDefinitions: [
        { name: 'BRANCH', type: 'StringParameterDefinition', defaultValue: 'main' },
        { name: 'DRY_RUN', type: 'BooleanParameterDefinition', defaultValue: false },
        { name: 'ENV', type: 'ChoiceParameterDefinition', defaultValue: 'dev', choices: ['dev', 'staging', 'prod'] },
      ],
    });
  });
  it('empty {} actions do not make a job parameterized (JENKINS-30810)', () => {
    const info = toJobInfo(
      jobSchema.parse({ name: 'n', url: 'http://h/job/n/', buildable: false, actions: [{}, { _class: 'x' }], property: [{}] }),
      ROOT,
    );
    assert.equal(info.parameterized, false);
    assert.equal(info.buildable, false);
    assert.deepEqual(info.parameterDefinitions, []);
  });
  it('definitions repeated under actions (older Jenkins) are kept once; a file parameter has a null default', () => {
    const defs = [{ name: 'F', type: 'FileParameterDefinition', defaultParameterValue: null }];
    const info = toJobInfo(jobSchema.parse({ name: 'n', url: 'http://h/job/n/', actions: [{ parameterDefinitions: defs }], property: [{ parameterDefinitions: defs }] }), ROOT);
    assert.equal(info.parameterized, true);
    assert.deepEqual(info.parameterDefinitions, [{ name: 'F', type: 'FileParameterDefinition' }]);
  });
});

describe('toBuildView', () => {
  it('running, success and aborted pipeline fixtures', () => {
    const running = toBuildView(buildSchema.parse(fixture('build-running.json')), ROOT);
    assert.deepEqual(running, {
      number: 14,
      url: 'https://ci.example.com/job/demo/14/',
      building: true,
      inProgress: true,
      result: null,
      durationMs: 0,
      queueId: 143,
      timestamp: 1714060806120,
      estimatedDurationMs: 60258, // Jenkins' estimate: when the build is polled next (activities/poll-schedule.ts)
    });
    assert.equal(toBuildView(buildSchema.parse(fixture('build-success.json')), ROOT).result, 'SUCCESS');
    const aborted = toBuildView(buildSchema.parse(fixture('build-aborted-pipeline.json')), ROOT);
    assert.deepEqual([aborted.result, aborted.url, aborted.durationMs], ['ABORTED', 'https://ci.example.com/job/team/job/pipe/7/', 12034]);
  });
  it('null result stays null (not FAILURE); missing inProgress is null; unknown result is FAILURE', () => {
    const v = toBuildView(buildSchema.parse({ number: 1, url: 'http://h/job/x/1/', building: false, result: null }), ROOT);
    assert.deepEqual([v.result, v.inProgress], [null, null]);
    assert.equal(toBuildView(buildSchema.parse({ number: 1, url: 'http://h/job/x/1/', building: false, result: 'WEIRD' }), ROOT).result, 'FAILURE');
  });
});

describe('triggerUrl / triggerBody', () => {
  it('job URL endpoint with token and delay=0, trailing slash removed', () => {
    assert.equal(
      triggerUrl({ jobUrl: 'http://h/job/a/', parameterized: true, parameters: [], token: 'my tok&en' }, 'http://h'),
      'http://h/job/a/buildWithParameters?token=my+tok%26en&delay=0',
    );
    assert.equal(triggerUrl({ jobUrl: 'http://h/job/a', parameterized: false, parameters: [] }, 'http://h'), 'http://h/job/a/build?delay=0');
  });
  it('Build Token Root URL', () => {
    assert.equal(
      triggerUrl({ jobUrl: 'http://h/job/f/job/a', parameterized: false, parameters: [], token: 't', buildTokenRoot: { job: 'f/a' } }, 'http://h/'),
      'http://h/buildByToken/build?job=f%2Fa&token=t&delay=0',
    );
  });
  it('form body keeps order and encodes = & + and spaces', () => {
    const { body, contentType } = triggerBody({ jobUrl: 'x', parameterized: true, parameters: [['Z', 'a=b'], ['A', 'x&y+z w']] });
    assert.equal(body, 'Z=a%3Db&A=x%26y%2Bz+w');
    assert.equal(contentType, 'application/x-www-form-urlencoded');
  });
});

describe('MemoryTtlCache', () => {
  it('expires entries after the TTL', () => {
    let now = 1000;
    const cache = new MemoryTtlCache<string>(500, () => now);
    cache.set('k', 'v');
    now = 1499;
    assert.equal(cache.get('k'), 'v');
    now = 1500;
    assert.equal(cache.get('k'), undefined);
    cache.set('k', 'w');
    cache.delete('k');
    assert.equal(cache.get('k'), undefined);
  });
});

describe('CookieJar', () => {
  it('stores, replaces and deletes cookies per origin', () => {
    const jar = new CookieJar();
    jar.store('http://a', ['JSESSIONID.1a2b3c4d=s1; Path=/; HttpOnly', 'other=x']);
    assert.equal(jar.header('http://a'), 'JSESSIONID.1a2b3c4d=s1; other=x');
    assert.equal(jar.header('http://b'), undefined);
    jar.store('http://a', ['other=; Max-Age=0', 'JSESSIONID.1a2b3c4d=s2']);
    assert.equal(jar.header('http://a'), 'JSESSIONID.1a2b3c4d=s2');
    jar.restore('http://a', 'JSESSIONID.x=y');
    assert.equal(jar.header('http://a'), 'JSESSIONID.x=y');
  });
});
