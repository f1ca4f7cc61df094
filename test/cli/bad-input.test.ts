/**
 * `remote-trigger trigger` (and a few other commands) with invalid input: every row must exit
 * with 2, name the offending field or flag on stderr, send nothing to Jenkins and start nothing
 * (no Temporal dev server in the state directory). The CLI validates before it starts anything.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JenkinsEmulator } from '../../src/emulator/index.js';
import { embeddedServerRecord } from '../../src/temporal/embedded-server.js';
import { type CliResult, isolatedEnv, killEmbeddedServer, runCli, staleDistSource } from '../support/cli.js';

/** Replaced by the emulator's URL in args, config, files and stdin. */
const JENKINS = '{{JENKINS}}';

interface Row {
  name: string;
  /** Command; default 'trigger'. */
  command?: string;
  args: string[];
  /** Extra environment variables for the CLI. */
  env?: Record<string, string>;
  /** temporal.yaml text, passed as REMOTE_TRIGGER_CONFIG. */
  config?: string;
  /** Files written into the CLI's working directory. */
  files?: Record<string, string>;
  stdin?: string;
  /** What stderr must contain (the field, flag or message fragment). */
  expect: RegExp;
  /** A secret value that must not appear in the output. */
  secret?: string;
  /** A known bug: the row is expected to fail until it is fixed. */
  todo?: string;
}

const withHost = ['--remote-jenkins-url', JENKINS];
const demo = ['--job', 'demo', ...withHost];

const rows: Row[] = [
  // ---- the job and its host
  { name: 'missing --job', args: [...withHost], expect: /job: Parameter 'Remote Job Name or URL' \('job' variable in Pipeline\) not specified\./ },
  { name: 'empty --job', args: ['--job', '', ...withHost], expect: /job: Parameter 'Remote Job Name or URL' \('job' variable in Pipeline\) not specified\./ },
  { name: 'whitespace --job', args: ['--job', '   ', ...withHost], expect: /job: Parameter 'Remote Job Name or URL'/ },
  { name: 'job name without any host', args: ['--job', 'demo'], expect: /Configuration of the remote Jenkins host is missing\./ },
  {
    name: 'unknown --remote-jenkins-name',
    args: ['--job', 'demo', '--remote-jenkins-name', 'nope'],
    expect: /Could get remote host with ID 'nope' configured in Jenkins global configuration/,
  },
  {
    name: '--remote-jenkins-url hostname:8080',
    args: ['--job', 'demo', '--remote-jenkins-url', 'hostname:8080'],
    expect: /\(remoteJenkinsUrl: 'hostname:8080'\) is no valid URL/,
  },
  { name: '--remote-jenkins-url ftp://x/y', args: ['--job', 'demo', '--remote-jenkins-url', 'ftp://x/y'], expect: /\(remoteJenkinsUrl: 'ftp:\/\/x\/y'\) is no valid URL/ },
  { name: 'job URL without /job/', args: ['--job', 'http://h:8080/foo'], expect: /Expected '\/job\/' element in job URL but was: http:\/\/h:8080\/foo/ },
  {
    name: 'job URL ending in /job/',
    args: ['--job', 'http://h:8080/job/'],
    expect: /Expected '\/job\/' element in job URL/,
  },
  { name: "job name with '//'", args: ['--job', 'folder//demo', ...withHost], expect: /job: Invalid job name 'folder\/\/demo': it has an empty path segment/ },
  { name: "job name with a leading '/'", args: ['--job', '/demo', ...withHost], expect: /job: Invalid job name '\/demo': it has an empty path segment/ },

  // ---- flags
  { name: 'unknown flag', args: [...demo, '--frobnicate'], expect: /Unknown option '--frobnicate'/ },
  { name: '--api-token (a secret on argv is not a flag)', args: [...demo, '--api-token', 'argv-s3cret'], expect: /Unknown option '--api-token'/, secret: 'argv-s3cret' },
  { name: '--poll-interval abc', args: [...demo, '--poll-interval', 'abc'], expect: /--poll-interval expects a whole number, got 'abc'/ },
  { name: '--max-conn x', args: [...demo, '--max-conn', 'x'], expect: /--max-conn expects a whole number, got 'x'/ },
  { name: '--http-get-read-timeout 1.5', args: [...demo, '--http-get-read-timeout', '1.5'], expect: /--http-get-read-timeout expects a whole number, got '1\.5'/ },
  // node's parseArgs takes '-5' for an option, so the flag is named as ambiguous ...
  { name: '--timeout -5', args: [...demo, '--timeout', '-5'], expect: /Option '--timeout' argument is ambiguous/ },
  // ... and with '=' the value reaches the schema.
  { name: '--timeout=-5', args: [...demo, '--timeout=-5'], expect: /timeout: must be a positive number of seconds/ },
  { name: '--timeout 0', args: [...demo, '--timeout', '0'], expect: /timeout: must be a positive number of seconds/ },
  { name: '--queue-poll-interval 31', args: [...demo, '--queue-poll-interval', '31'], expect: /queuePollInterval: must be at most 30 seconds/ },
  {
    name: "--id '' (empty trigger id)",
    args: [...demo, '--id', ''],
    // An external (unreachable) Temporal, so that a run that passes validation starts nothing.
    config: 'temporal:\n  address: 127.0.0.1:1\n',
    expect: /\bid\b/,
  },

  // ---- auth
  { name: '--auth weird', args: [...demo, '--auth', 'weird'], expect: /--auth must be none, token, bearer or credentials, not 'weird'/ },
  { name: '--auth token without --user', args: [...demo, '--auth', 'token', '--api-token-env', 'T'], expect: /--auth token needs --user NAME/ },
  { name: '--auth token --user u without a secret source', args: [...demo, '--auth', 'token', '--user', 'u'], expect: /--auth token needs --api-token-env VAR or --credentials ID/ },
  { name: '--auth bearer without a source', args: [...demo, '--auth', 'bearer'], expect: /--auth bearer needs --api-token-env VAR or --credentials ID/ },
  { name: '--auth credentials without --credentials', args: [...demo, '--auth', 'credentials'], expect: /--auth credentials needs --credentials ID/ },
  { name: '--user without --auth', args: [...demo, '--user', 'u'], expect: /--user, --api-token-env and --credentials need --auth/ },
  {
    name: '--credentials unknown-id (config lacks it)',
    args: [...demo, '--auth', 'credentials', '--credentials', 'unknown-id'],
    config: 'credentials:\n  known-id:\n    username: ci\n    passwordEnv: CI_PASSWORD\n',
    expect: /auth: unknown credentials id 'unknown-id'/,
  },
  {
    name: '--auth token --api-token-env UNSET_VAR_XYZ, allowed but unset (embedded mode resolves secrets first)',
    args: [...demo, '--auth', 'token', '--user', 'u', '--api-token-env', 'UNSET_VAR_XYZ'],
    config: `secretEnvAllow: [UNSET_VAR_XYZ]\nremoteHosts:\n  - name: j\n    url: ${JENKINS}\n`,
    expect: /environment variable UNSET_VAR_XYZ is not set/,
  },
  {
    name: '--api-token-env naming a variable the configuration does not allow',
    args: [...demo, '--auth', 'token', '--user', 'u', '--api-token-env', 'HOME'],
    expect: /auth: the environment variable HOME is not listed in the worker's 'secretEnvAllow'/,
  },
  {
    name: '--credentials of another host (credentials go only to their own origins)',
    args: ['--job', 'demo', '--remote-jenkins-url', 'http://127.0.0.1:1', '--auth', 'credentials', '--credentials', 'ci-bot'],
    config: `remoteHosts:\n  - name: j\n    url: ${JENKINS}\n    auth: { type: CredentialsAuth, credentials: ci-bot }\ncredentials:\n  ci-bot:\n    username: ci\n    passwordEnv: CI_BOT_PASSWORD\n`,
    env: { CI_BOT_PASSWORD: 'x' },
    expect: /credentials 'ci-bot' may not be sent to http:\/\/127\.0\.0\.1:1/,
  },
  {
    name: "--token-env '' (empty variable name)",
    args: [...demo, '--token-env', ''],
    config: 'temporal:\n  address: 127.0.0.1:1\n',
    expect: /token/,
  },

  // ---- parameters
  { name: '--param NOEQUALS', args: [...demo, '--param', 'NOEQUALS'], expect: /--param expects NAME=value, got 'NOEQUALS'/ },
  { name: '--param =v', args: [...demo, '--param', '=v'], expect: /--param expects NAME=value, got '=v'/ },
  { name: '--param A=1 --param A=2', args: [...demo, '--param', 'A=1', '--param', 'A=2'], expect: /--param: duplicate parameter 'A'/ },
  { name: '--parameters with a line without =', args: [...demo, '--parameters', 'A=1\nnot a parameter'], expect: /parameters: text line 2 has no '='/ },
  { name: '--parameters with a duplicate key', args: [...demo, '--parameters', 'A=1\n# c\nA=2'], expect: /parameters: duplicate parameter 'A' \(text lines 1 and 3\)/ },
  { name: '--parameter-file missing', args: [...demo, '--parameter-file', 'missing.properties'], expect: /parameterFile: cannot read parameter file \S*missing\.properties: ENOENT/ },
  {
    name: '--parameter-file with a bad line',
    args: [...demo, '--parameter-file', 'bad.properties'],
    files: { 'bad.properties': '# params\nA=1\n\ncontinued line\n' },
    expect: /parameterFile: bad\.properties line 4 has no '='/,
  },
  { name: '--param with --parameters whose text is invalid', args: [...demo, '--parameters', 'A=1\nbroken', '--param', 'B=2'], expect: /parameters: text line 2 has no '='/ },
  { name: '--param with a missing --parameter-file', args: [...demo, '--parameter-file', 'gone.properties', '--param', 'B=2'], expect: /parameterFile: cannot read parameter file/ },
  { name: '--file-param A=x --file-param A=y (duplicate)', args: [...demo, '--file-param', 'A=x', '--file-param', 'A=y'], expect: /--file-param: duplicate file parameter 'A'/ },
  { name: 'a parameter name of 256 characters', args: [...demo, '--param', `${'N'.repeat(256)}=v`], expect: /parameters\[0\]\[0\]: must be at most 255 characters/ },

  // ---- credentials in URLs (never echoed)
  { name: '--remote-jenkins-url with user:password@', args: ['--job', 'demo', '--remote-jenkins-url', 'https://bob:s3cr3tpw@ci.example.com'], expect: /remoteJenkinsUrl: must not contain credentials/, secret: 's3cr3tpw' },
  { name: '--remote-jenkins-url with user@ only', args: ['--job', 'demo', '--remote-jenkins-url', 'https://bob@ci.example.com'], expect: /remoteJenkinsUrl: must not contain credentials/ },
  { name: 'a full job URL with user:password@', args: ['--job', 'https://bob:j0bs3cret@ci.example.com/job/demo'], expect: /job: must not contain credentials/, secret: 'j0bs3cret' },
  {
    name: '--options remoteJenkinsUrl with user:password@',
    args: ['--options', 'opts.yaml'],
    files: { 'opts.yaml': 'job: demo\nremoteJenkinsUrl: "http://u:0pts3cret@127.0.0.1:1"\n' },
    expect: /remoteJenkinsUrl: must not contain credentials/,
    secret: '0pts3cret',
  },
  { name: 'config: host url with user:password@', args: ['--job', 'demo', '--remote-jenkins-name', 'a'], config: 'remoteHosts:\n  - name: a\n    url: "http://u:h0sts3cret@127.0.0.1:1"\n', expect: /remoteHosts\[0\]\.url: must not contain credentials/, secret: 'h0sts3cret' },
  { name: 'config: credentialOrigins with user info', args: [...demo], config: 'remoteHosts:\n  - name: a\n    url: http://127.0.0.1:1\n    credentialOrigins: ["http://u:c0s3cret@other:1"]\n', expect: /remoteHosts\[0\]\.credentialOrigins\[0\]: must not contain credentials/, secret: 'c0s3cret' },
  { name: 'config: allowOrigins with user info', args: [...demo], config: 'allowOrigins: ["http://u:a0s3cret@other:1"]\n', expect: /allowOrigins\[0\]/, secret: 'a0s3cret' },
  { name: 'config: secretEnvAllow with a bad pattern', args: [...demo], config: 'secretEnvAllow: ["A-B"]\n', expect: /secretEnvAllow\[0\]: must be a variable name/ },

  // ---- numbers past their range (a timer would turn them into 1 ms and flood Jenkins)
  { name: '--poll-interval 99999999999', args: [...demo, '--poll-interval', '99999999999'], expect: /pollInterval: must be at most 86400 seconds/ },
  { name: '--poll-interval 86401', args: [...demo, '--poll-interval', '86401'], expect: /pollInterval: must be at most 86400 seconds \(range 1 to 86400/ },
  { name: '--timeout 2073601 (over 24 days)', args: [...demo, '--timeout', '2073601'], expect: /timeout: must be at most 2073600 seconds/ },
  { name: '--http-get-read-timeout 600001', args: [...demo, '--http-get-read-timeout', '600001'], expect: /httpGetReadTimeout: must be at most 600000 ms/ },
  { name: '--http-post-read-timeout 99999999999', args: [...demo, '--http-post-read-timeout', '99999999999'], expect: /httpPostReadTimeout: must be at most 600000 ms/ },
  { name: '--options timeout: 1e12', args: ['--options', 'opts.yaml'], files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\ntimeout: 1e12\n` }, expect: /timeout: must be at most/ },
  { name: '--options pollInterval: .inf', args: ['--options', 'opts.yaml'], files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\npollInterval: .inf\n` }, expect: /pollInterval: / },

  // ---- job names and URLs
  { name: "--job '../../script'", args: ['--job', '../../script', ...withHost], expect: /job: Invalid job name '\.\.\/\.\.\/script': '\.\.' is not a job name/ },
  { name: "--job 'a/./b'", args: ['--job', 'a/./b', ...withHost], expect: /'\.' is not a job name/ },
  { name: "--job 'a?b'", args: ['--job', 'a?b', ...withHost], expect: /the character '\?' is not allowed in a job name/ },
  { name: "--job 'a;b'", args: ['--job', 'a;b', ...withHost], expect: /the character ';' is not allowed in a job name/ },
  { name: '--job with a control character', args: ['--job', 'a\u0007b', ...withHost], expect: /a control character is not allowed in a job name/ },
  { name: "a job URL with '/job/../'", args: ['--job', 'http://127.0.0.1:1/job/../job/script'], expect: /job: must not have a path segment '\.' or '\.\.'/ },
  { name: 'a job URL with an encoded %2e%2e', args: ['--job', 'http://127.0.0.1:1/job/%2e%2e/job/x'], expect: /job: must not have a path segment/ },
  { name: 'a job URL with a query', args: ['--job', 'http://127.0.0.1:1/job/x?delay=0'], expect: /job: must not have a query/ },
  { name: '--remote-jenkins-url with a query', args: ['--job', 'demo', '--remote-jenkins-url', 'http://127.0.0.1:1/?a=b'], expect: /remoteJenkinsUrl: must not have a query/ },
  { name: '--remote-jenkins-url with a fragment', args: ['--job', 'demo', '--remote-jenkins-url', 'http://127.0.0.1:1/#top'], expect: /remoteJenkinsUrl: must not have a query \(\?…\) or fragment/ },

  // ---- --options files
  { name: '--options missing file', args: ['--options', 'missing.yaml'], expect: /--options: cannot read missing\.yaml: ENOENT/ },
  { name: '--options invalid YAML', args: ['--options', 'bad.yaml'], files: { 'bad.yaml': 'job: [demo\npollInterval: 1\n' }, expect: /--options: bad\.yaml is neither JSON nor YAML/ },
  { name: '--options JSON array', args: ['--options', 'opts.json'], files: { 'opts.json': '[{"job":"demo"}]' }, expect: /--options: opts\.json must hold one object/ },
  {
    name: '--options unknown option name',
    args: ['--options', 'opts.yaml'],
    files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\npollIntervall: 5\n` },
    expect: /pollIntervall/,
  },
  {
    name: '--options pollInterval: "ten"',
    args: ['--options', 'opts.yaml'],
    files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\npollInterval: "ten"\n` },
    expect: /pollInterval: must be a number/,
  },
  {
    name: '--options with a literal token',
    args: ['--options', 'opts.yaml'],
    files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\ntoken: "secret123"\n` },
    expect: /token: a literal job token would be stored in Temporal history/,
    secret: 'secret123',
  },
  {
    name: '--options with a literal TokenAuth apiToken',
    args: ['--options', 'opts.json'],
    files: { 'opts.json': JSON.stringify({ job: 'demo', remoteJenkinsUrl: JENKINS, auth: { type: 'TokenAuth', userName: 'u', apiToken: 's3cr3t' } }) },
    expect: /auth\.apiToken: secret values are not accepted in options/,
    secret: 's3cr3t',
  },
  {
    name: '--options with a literal BearerTokenAuth token',
    args: ['--options', 'opts.yaml'],
    files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\nauth: { $class: BearerTokenAuth, token: "b3arer-literal" }\n` },
    expect: /auth\.token: secret values are not accepted in options/,
    secret: 'b3arer-literal',
  },
  {
    name: '--options passingResults: [GREEN]',
    args: ['--options', 'opts.yaml'],
    files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\npassingResults: [GREEN]\n` },
    expect: /passingResults\[0\]: /,
  },
  {
    name: '--options parameters: [1,2]',
    args: ['--options', 'opts.yaml'],
    files: { 'opts.yaml': `job: demo\nremoteJenkinsUrl: ${JENKINS}\nparameters: [1, 2]\n` },
    expect: /invalid options: parameters: /,
  },
  { name: '--options - (stdin) with invalid YAML', args: ['--options', '-'], stdin: 'job: [demo\n  : :\n', expect: /--options: - is neither JSON nor YAML/ },
  { name: '--options - (stdin) with a scalar', args: ['--options', '-'], stdin: '42\n', expect: /--options: - must hold one object/ },

  // ---- temporal.yaml (REMOTE_TRIGGER_CONFIG)
  { name: 'config: invalid YAML', args: [...demo], config: 'remoteHosts: [\n  - : :\n', expect: /temporal\.yaml: not valid YAML/ },
  {
    name: 'config: duplicate host name',
    args: [...demo],
    config: `remoteHosts:\n  - name: a\n    url: ${JENKINS}\n  - name: a\n    url: http://other.example\n`,
    expect: /remoteHosts\[1\]\.name: duplicate remote host name 'a'/,
  },
  { name: 'config: host url notaurl', args: [...demo], config: 'remoteHosts:\n  - name: a\n    url: notaurl\n', expect: /remoteHosts\[0\]\.url: must be an http\(s\) URL/ },
  {
    name: 'config: host references an unknown credentials id',
    args: [...demo],
    config: `remoteHosts:\n  - name: a\n    url: ${JENKINS}\n    auth: { type: CredentialsAuth, credentials: ghost }\n`,
    expect: /remoteHosts\[0\]\.auth: unknown credentials id 'ghost'/,
  },
  {
    name: 'config: credential with two secret sources',
    args: [...demo],
    config: 'credentials:\n  both:\n    username: u\n    passwordEnv: A\n    tokenEnv: B\n',
    expect: /credentials\.both: a credential needs exactly one of/,
  },
  { name: 'REMOTE_TRIGGER_CONFIG points to a missing file', args: [...demo], env: { REMOTE_TRIGGER_CONFIG: '/nonexistent/remote-trigger/nope.yaml' }, expect: /configuration file not found: \/nonexistent\/remote-trigger\/nope\.yaml/ },
  { name: '--config points to a missing file', args: [...demo, '--config', 'nope.yaml'], expect: /configuration file not found: nope\.yaml/ },

  // ---- other commands
  { name: 'unknown command', command: 'frobnicate', args: [], expect: /unknown command 'frobnicate'/ },
  { name: 'status with no id', command: 'status', args: [], expect: /a trigger id is required/ },
  { name: 'artifact ID without PATH', command: 'artifact', args: ['some-id'], expect: /usage: remote-trigger artifact ID PATH/ },
  { name: 'wait with an unknown flag', command: 'wait', args: ['some-id', '--frobnicate'], expect: /Unknown option '--frobnicate'/ },
];

let emulator: JenkinsEmulator;
let scratch: string;
const fill = (s: string) => s.split(JENKINS).join(emulator.url);

async function runRow(row: Row, index: number): Promise<{ result: CliResult; stateDir: string }> {
  const base = path.join(scratch, `row-${String(index).padStart(2, '0')}`);
  const cwd = path.join(base, 'cwd');
  const stateDir = path.join(base, 'state');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  for (const [name, text] of Object.entries(row.files ?? {})) writeFileSync(path.join(cwd, name), fill(text));
  const env: NodeJS.ProcessEnv = { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: stateDir, ...row.env };
  if (row.config !== undefined) {
    const configPath = path.join(base, 'temporal.yaml');
    writeFileSync(configPath, fill(row.config));
    env.REMOTE_TRIGGER_CONFIG = configPath;
  }
  const result = await runCli({
    args: [row.command ?? 'trigger', ...row.args.map(fill)],
    env,
    cwd,
    ...(row.stdin !== undefined ? { stdin: fill(row.stdin) } : {}),
    timeoutMs: 30_000,
  });
  return { result, stateDir };
}

describe('remote-trigger with invalid input: exit 2, the field named, nothing sent, nothing started', { concurrency: 4 }, () => {
  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'rt-cli-bad-input-'));
    emulator = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'demo', parameters: [{ name: 'P' }] }] } });
    await emulator.start();
  });
  after(async () => {
    await emulator?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('has at least 40 rows with unique names', (t) => {
    const stale = staleDistSource();
    if (stale) t.diagnostic(`WARNING: ${stale} is newer than dist/: the CLI under test is stale, run \`npm run build\``);
    assert.ok(rows.length >= 40, `only ${rows.length} rows`);
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length);
  });

  rows.forEach((row, index) => {
    it(row.name, row.todo ? { todo: row.todo } : {}, async () => {
      const { result, stateDir } = await runRow(row, index);
      // Never leave a dev server behind, whatever the outcome.
      const serverPid = embeddedServerRecord(stateDir)?.pid ?? null;
      if (serverPid !== null) killEmbeddedServer(stateDir);
      const detail = `exit ${result.code}${result.timedOut ? ' (killed after timeout)' : ''}\nstderr: ${result.stderr}\nstdout: ${result.stdout}`;

      assert.equal(serverPid, null, `a Temporal dev server was started (pid ${serverPid}, now killed)\n${detail}`);
      assert.equal(existsSync(path.join(stateDir, 'temporal.sqlite')), false, 'a Temporal database was created');
      assert.equal(result.timedOut, false, detail);
      assert.equal(result.code, 2, detail);
      assert.match(result.stderr, row.expect, detail);
      // the usual one-line error, not a crash
      assert.match(result.stderr, /^remote-trigger: (invalid options: )?/, detail);
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `stack trace on stderr\n${detail}`);
      assert.equal(result.stdout, '', detail);
      if (row.secret) {
        assert.ok(!result.stderr.includes(row.secret), `stderr repeats the secret\n${detail}`);
        assert.ok(!result.stdout.includes(row.secret), 'stdout repeats the secret');
      }
      const reqs = emulator.requests();
      assert.deepEqual(
        reqs.map((r) => `${r.method} ${r.path}`),
        [],
        'requests reached the Jenkins emulator',
      );
    });
  });
});

describe('controls: the harness can see what the table asserts', () => {
  it('the emulator records a request and the helper reports exit code and stdout', async () => {
    const e = new JenkinsEmulator({ port: 0, scenario: { jobs: [{ name: 'demo' }] } });
    await e.start();
    try {
      const res = await fetch(`${e.url}/job/demo/api/json`);
      await res.arrayBuffer();
      assert.deepEqual(
        e.requests().map((r) => `${r.method} ${r.path}`),
        ['GET /job/demo/api/json'],
      );
    } finally {
      await e.stop();
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-cli-help-'));
    try {
      const help = await runCli({ args: ['help'], env: { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: dir }, cwd: dir });
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^usage: remote-trigger <command> \[options\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
