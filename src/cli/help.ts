import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { type FlagDef, type Flags, GLOBAL_FLAGS } from './flags.js';

/**
 * Help texts, made from the same definitions the parser uses (flags.ts, the commands'
 * `flags`): a flag cannot be accepted without being listed, nor listed without being accepted.
 */

const EXIT_CODES = `Exit codes: 0 passed (or accepted when not blocking, or --should-not-fail-build), 1 the remote build
did not pass, 2 invalid options or configuration (nothing started), 3 Jenkins or Temporal unreachable,
4 no trigger with that id, 5 Jenkins refused the trigger (400, 401, 403, 404, 405, 409).`;

function usageOf(c: Command<Flags>): string {
  return [c.name, c.args, Object.keys(c.flags).length ? '[options]' : ''].filter(Boolean).join(' ');
}

/** `remote-trigger --help`: every command with its one line. */
export function mainHelp(commands: readonly Command<Flags>[]): string {
  const shown = commands.filter((c) => !c.hidden);
  const width = Math.max(...shown.map((c) => usageOf(c).length)) + 2;
  return [
    'usage: remote-trigger <command> [options]',
    '',
    ...shown.map((c) => `  ${usageOf(c).padEnd(width)}${c.summary}`),
    '',
    `Every command takes ${flagName('log-format', GLOBAL_FLAGS['log-format'])} (${GLOBAL_FLAGS['log-format'].help}), and -h, --help: its flags, their defaults and an example.`,
    '`remote-trigger --version` prints the version.',
    '',
    EXIT_CODES,
    'See README.md for every option.',
  ].join('\n');
}

/** `remote-trigger <command> --help`: its usage, flags with their defaults, and examples. */
export function commandHelp(c: Command<Flags>): string {
  const lines = [`usage: remote-trigger ${usageOf(c)}`, '', `${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.`];
  if (c.details) lines.push(c.details);
  if (Object.keys(c.flags).length) lines.push('', 'Options:', ...flagLines(c.flags));
  lines.push('', 'Every command also takes:', ...flagLines(GLOBAL_FLAGS));
  lines.push('', c.examples.length > 1 ? 'Examples:' : 'Example:', ...c.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

function flagName(name: string, f: FlagDef): string {
  return `${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`;
}

function flagLines(flags: Flags): string[] {
  const names = Object.entries(flags).map(([name, f]) => flagName(name, f));
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return Object.values(flags).map((f, i) => {
    const shown = typeof f.default === 'string' ? f.default : f.fallback;
    return `  ${names[i]!.padEnd(width)}${f.help}${shown !== undefined ? ` (default: ${shown})` : ''}`;
  });
}

/** The version of package.json (src/cli and dist/cli are both two levels below it). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
