/**
 * `--help`, `-h` and `--version`, and the exit code decided by the failure type. The help of
 * every command is checked against the same definitions the parser uses (src/cli/commands):
 * the flags the help lists are exactly those the parser accepts, so the two cannot drift.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { type Flags, GLOBAL_FLAGS, parseFlags } from '../../src/cli/flags.js';
import { reportError } from '../../src/cli/output.js';
import { FailureError } from '../../src/contract/failures.js';
import { OptionsError } from '../../src/options/errors.js';
import { CLI_BIN, isolatedEnv, runCli, staleDistSource } from '../support/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-cli-help-'));
const env = { ...isolatedEnv(), REMOTE_TRIGGER_STATE_DIR: dir };
const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCli({ args, env: { ...env, ...extraEnv }, cwd: dir, timeoutMs: 30_000 });

/** The flag names a help text lists in its option sections (`-q, --quiet`, `--job NAME|URL`). */
function listedFlags(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

/** The value a string flag gets in the parser check. */
const sample = (name: string) => (name.includes('port') ? '0' : 'x');

after(() => rmSync(dir, { recursive: true, force: true }));

describe('remote-trigger --help, -h and --version', () => {
  test('the CLI under test is built from these sources', (t) => {
    const stale = staleDistSource();
    if (stale) t.diagnostic(`WARNING: ${stale} is newer than dist/: the CLI under test is stale, run \`npm run build\``);
  });

  test('`remote-trigger --help` and `-h` list every command but the internal ones; exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^usage: remote-trigger <command> \[options\]/);
      for (const c of COMMANDS) {
        if (c.hidden) assert.doesNotMatch(r.stdout, new RegExp(`^ {2}${c.name} `, 'm'), c.name);
        else assert.match(r.stdout, new RegExp(`^ {2}${c.name} .*${escape(c.summary)}`, 'm'), c.name);
      }
      assert.match(r.stdout, /--version/);
    }
  });

  for (const c of COMMANDS) {
    test(`${c.name} --help and -h: exit 0, exactly the flags the parser accepts, their defaults, an example`, async () => {
      const words = c.name.split(' ');
      const texts: string[] = [];
      for (const flag of ['--help', '-h']) {
        const r = await cli([...words, flag]);
        assert.equal(r.code, 0, `${c.name} ${flag}: exit ${r.code}\n${r.stderr}`);
        assert.equal(r.stderr, '');
        texts.push(r.stdout);
      }
      assert.equal(texts[0], texts[1], '--help and -h print the same');
      const help = texts[0]!;
      assert.ok(help.startsWith(`usage: remote-trigger ${c.name}`), help);
      const defined: Flags = { ...c.flags, ...GLOBAL_FLAGS };
      assert.deepEqual(listedFlags(help).sort(), Object.keys(defined).sort(), 'the help lists exactly the defined flags');
      for (const [name, f] of Object.entries(defined)) {
        const line = help.split('\n').find((l) => new RegExp(`^ {2}(?:-\\w, )?--${name}(?![\\w-])`).test(l))!;
        if (f.short) assert.ok(line.includes(`-${f.short}, --${name}`), line);
        const shown = typeof f.default === 'string' ? f.default : f.fallback;
        if (shown !== undefined) assert.ok(line.includes(`(default: ${shown})`), line);
        assert.ok(line.includes(f.help), line);
      }
      assert.ok(c.examples.length > 0, 'an example');
      for (const e of c.examples) assert.ok(help.includes(`  ${e}`), e);
      // The parser accepts every flag the help lists (and refuses one it does not).
      for (const [name, f] of Object.entries(c.flags as Flags)) {
        assert.doesNotThrow(() => parseFlags([`--${name}`, ...(f.type === 'string' ? [sample(name)] : [])], c.flags, c.positionals ?? 0), `--${name}`);
        if (f.short) assert.doesNotThrow(() => parseFlags([`-${f.short}`, ...(f.type === 'string' ? [sample(name)] : [])], c.flags, c.positionals ?? 0), `-${f.short}`);
      }
      assert.throws(() => parseFlags(['--not-a-flag'], c.flags, c.positionals ?? 0), /Unknown option '--not-a-flag'/);
    });
  }

  test('`help COMMAND` prints the command\'s help', async () => {
    const r = await cli(['help', 'trigger']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, (await cli(['trigger', '--help'])).stdout);
  });

  test('--help wins over the other flags, but not as the value of one', async () => {
    const r = await cli(['trigger', '--job', 'x', '--frobnicate', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: remote-trigger trigger/);
    const value = await cli(['abort', 'some-id', '--reason', '-h']);
    assert.equal(value.code, 2, value.stderr);
    assert.equal(value.stdout, '');
  });

  test("--version and -V print package.json's version; exit 0", async () => {
    const { version } = JSON.parse(readFileSync(path.join(path.dirname(CLI_BIN), '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${version}\n`);
    }
  });
});

describe('exit codes are decided by the failure type', () => {
  /** reportError's exit code and its --json object, with stdout and stderr captured. */
  function report(e: unknown): { code: number; json: { error: { type: string; field?: string } }; stderr: string } {
    let stdout = '';
    let stderr = '';
    const out = process.stdout.write;
    const err = process.stderr.write;
    process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
    try {
      const code = reportError(e, true);
      return { code, json: JSON.parse(stdout), stderr };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  }

  test('a message that reads like another failure does not change the code', () => {
    assert.equal(report(new FailureError('ECONNREFUSED: cannot connect, UNAVAILABLE', 'JenkinsRejected')).code, 5);
    assert.equal(report(new FailureError('The Temporal CLI (`temporal`) was not found', 'NotFound')).code, 4);
    assert.equal(report(new FailureError('connect DEADLINE', 'RemoteBuildFailed')).code, 1);
    const invalid = report(new OptionsError('connect ECONNREFUSED', 'job'));
    assert.equal(invalid.code, 2);
    assert.deepEqual(invalid.json.error, { type: 'InvalidOptions', message: 'connect ECONNREFUSED', field: 'job' });
  });

  test('an error without a type is Unexpected (exit 3), whatever its message says', () => {
    const r = report(new Error('no trigger with id x: NotFound, ECONNREFUSED'));
    assert.equal(r.code, 3);
    assert.equal(r.json.error.type, 'Unexpected');
  });

  test('no Temporal CLI: the local service says NoTemporalCli, the command exits 3 with that type', async () => {
    const r = await cli(['status', 'some-id', '--json'], { TEMPORAL_CLI_PATH: path.join(dir, 'no-such-temporal') });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(JSON.parse(r.stdout).error.type, 'NoTemporalCli');
    assert.match(r.stderr, /^The Temporal CLI \(`temporal`, which contains the dev server\) was not found\./);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
