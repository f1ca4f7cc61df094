import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildJobUrl,
  isHttpUrl,
  isJobUrl,
  JenkinsProtocolError,
  JenkinsUsageError,
  normaliseJobUrl,
  normaliseRoot,
  queueIdFromLocation,
  rebaseOnRoot,
  redactUrl,
  rootOfJobUrl,
} from '../../src/jenkins/index.js';

describe('normaliseRoot / normaliseJobUrl', () => {
  it('trims and strips every trailing slash', () => {
    assert.equal(normaliseRoot('  https://ci.example.com/jenkins//  '), 'https://ci.example.com/jenkins');
    assert.equal(normaliseRoot('http://h:8080'), 'http://h:8080');
    assert.equal(normaliseJobUrl('http://h/job/a/job/b/'), 'http://h/job/a/job/b');
    assert.equal(normaliseJobUrl('http://h/job/a//'), 'http://h/job/a');
  });
});

describe('buildJobUrl', () => {
  it('builds /job/ per folder level and encodes each segment', () => {
    assert.equal(buildJobUrl('https://ci/jenkins/', 'Folder/Sub/My Job'), 'https://ci/jenkins/job/Folder/job/Sub/job/My%20Job');
    assert.equal(buildJobUrl('http://h', 'demo'), 'http://h/job/demo');
  });
  it('double-escapes an already escaped multibranch branch name', () => {
    assert.equal(buildJobUrl('http://h', 'repo/feature%2Ffoo'), 'http://h/job/repo/job/feature%252Ffoo');
  });
  it('encodes reserved characters inside a segment', () => {
    assert.equal(buildJobUrl('http://h', 'a b#c%d'), 'http://h/job/a%20b%23c%25d');
    assert.equal(buildJobUrl('http://h', 'Ünïcode'), 'http://h/job/%C3%9Cn%C3%AFcode');
    assert.equal(buildJobUrl('http://h', 'Folder » Job'), 'http://h/job/Folder%20%C2%BB%20Job');
    // A multibranch branch job's name is already escaped: its '%' is encoded once more.
    assert.equal(buildJobUrl('http://h', 'repo/feature%2Ffoo'), 'http://h/job/repo/job/feature%252Ffoo');
  });
  it("rejects '.' and '..' segments and the characters Jenkins refuses in item names", () => {
    for (const job of ['..', '../../script', 'a/./b', ' .. ', 'a?b', 'a&b', 'a*', 'a:b', 'a;b', 'a|b', 'a<b', 'a[1]', 'a\\b', 'a$b', 'a!b', 'a@b', 'a^b', 'tab\there']) {
      assert.throws(() => buildJobUrl('http://h', job), (e: unknown) => e instanceof JenkinsUsageError && /not a job name|not allowed in a job name/.test(e.message), job);
    }
  });
  it('rejects empty segments and names the job', () => {
    for (const job of ['/demo', 'a//b', 'a/', '']) {
      assert.throws(
        () => buildJobUrl('http://h', job),
        (e: unknown) => e instanceof JenkinsUsageError && e.kind === 'usage' && e.message.includes(`'${job}'`) === (job !== ''),
      );
    }
  });
});

describe('isHttpUrl / isJobUrl (the plugin isURL rule)', () => {
  const cases: Array<[string, boolean]> = [
    ['http://xyz', true],
    ['HTTPS://ci.example.com/job/x', true],
    ['http://', false],
    ['http://x', true],
    ['xyz', false],
    ['  http://xyz  ', false],
    ['http://xyz ', false],
    ['http://xyz/${p}', false],
    ['ftp://xyz.example', false],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} -> ${expected}`, () => assert.equal(isHttpUrl(value), expected));
  }
  it('a job URL must contain /job/', () => {
    assert.equal(isJobUrl('http://ci.example/job/demo'), true);
    assert.equal(isJobUrl('http://ci.example/view/x/job/demo/'), true);
    assert.equal(isJobUrl('http://ci.example/jenkins'), false);
    assert.equal(isJobUrl('demo/job/x'), false);
  });
});

describe('rootOfJobUrl', () => {
  it('cuts before the first /job/', () => {
    assert.equal(rootOfJobUrl('https://ci.example.com/jenkins/job/a/job/b/'), 'https://ci.example.com/jenkins');
  });
  it('cuts before /view/ when it comes first', () => {
    assert.equal(rootOfJobUrl('http://h:8080/view/nightly/job/y/'), 'http://h:8080');
    assert.equal(rootOfJobUrl('http://h/ctx/job/f/view/v/job/y'), 'http://h/ctx');
  });
  it('throws the plugin message without /job/', () => {
    assert.throws(() => rootOfJobUrl('http://h/view/x/'), {
      name: 'JenkinsUsageError',
      message: "Expected '/job/' element in job URL but was: http://h/view/x/",
    });
  });
});

describe('rebaseOnRoot', () => {
  it('drops user info from a URL Jenkins returns, so none reaches workflow history', () => {
    assert.equal(rebaseOnRoot('http://bob:s3cret@internal:8080/job/x/7/', 'https://ci.example.com'), 'https://ci.example.com/job/x/7/');
    assert.equal(rebaseOnRoot('https://bob:s3cret@ci.example.com/job/x/7/', 'https://ci.example.com'), 'https://ci.example.com/job/x/7/');
  });
  it('leaves a URL under the root unchanged', () => {
    const url = 'https://ci.example.com/jenkins/job/demo/14/';
    assert.equal(rebaseOnRoot(url, 'https://ci.example.com/jenkins/'), url);
  });
  it('replaces scheme, host and port, keeps the path and its trailing slash', () => {
    assert.equal(rebaseOnRoot('http://10.0.0.5:8080/job/demo/14/', 'https://ci.example.com'), 'https://ci.example.com/job/demo/14/');
  });
  it("keeps Jenkins' path, not the root's context path (plugin PR #53/#64)", () => {
    assert.equal(
      rebaseOnRoot('http://internal:8080/jenkins/job/demo/14/', 'https://proxy.example.com/ci'),
      'https://proxy.example.com/jenkins/job/demo/14/',
    );
  });
  it('does not treat a sibling path as under the root', () => {
    assert.equal(rebaseOnRoot('http://h/jenkins2/job/x/', 'http://h/jenkins'), 'http://h/jenkins2/job/x/');
    assert.equal(rebaseOnRoot('http://other/jenkins2/job/x/', 'http://h/jenkins'), 'http://h/jenkins2/job/x/');
  });
  it('drops query and fragment', () => {
    assert.equal(rebaseOnRoot('http://a:1/job/x/3/?foo=bar#frag', 'https://b'), 'https://b/job/x/3/');
  });
  it('resolves a relative URL against the root', () => {
    assert.equal(rebaseOnRoot('queue/item/5/', 'http://h:8080/'), 'http://h:8080/queue/item/5/');
  });
});

describe('queueIdFromLocation', () => {
  it('reads the id from any host, with or without the trailing slash', () => {
    assert.equal(queueIdFromLocation('http://internal:8080/queue/item/143/'), 143);
    assert.equal(queueIdFromLocation('https://ci.example.com/jenkins/queue/item/7'), 7);
    assert.equal(queueIdFromLocation('/queue/item/42/'), 42);
  });
  it('rejects a job page, a missing header and junk', () => {
    for (const bad of ['http://h/job/demo/', 'http://h/queue/item/abc/', 'http://h/queue/item/', '', null, undefined]) {
      assert.throws(() => queueIdFromLocation(bad), (e: unknown) => e instanceof JenkinsProtocolError && e.kind === 'protocol');
    }
  });
});

describe('redactUrl', () => {
  it('hides the token value and keeps the rest byte for byte', () => {
    assert.equal(
      redactUrl('http://h/job/My%20Job/buildWithParameters?token=s3cr%20et&delay=0'),
      'http://h/job/My%20Job/buildWithParameters?token=***&delay=0',
    );
    assert.equal(redactUrl('http://h/build?delay=0&TOKEN=x#f'), 'http://h/build?delay=0&TOKEN=***#f');
  });
  it('drops user:password@', () => {
    assert.equal(redactUrl('https://bob:hunter2@ci.example.com/job/x'), 'https://ci.example.com/job/x');
  });
  it('does not touch parameters that merely end in token', () => {
    assert.equal(redactUrl('http://h/x?mytoken=1'), 'http://h/x?mytoken=1');
  });
});
