import { parseArgs } from 'node:util';
import { OptionsError } from '../options/errors.js';

/**
 * Flag definitions: the parser (node's parseArgs, strict) and every help text are made from
 * the same objects, so what `--help` lists is exactly what a command accepts.
 */
export interface FlagDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Applied by the parser, and shown in help. */
  default?: string | boolean;
  /** Shown in help as the default; applied later (by the step's options, the command …). */
  fallback?: string;
  /** The value's name in help: `--job NAME|URL`. */
  value?: string;
  help: string;
}
export type Flags = Readonly<Record<string, Readonly<FlagDef>>>;

/** Invalid flags or arguments: exit 2, like any invalid option. */
export class UsageError extends OptionsError {}

/** The result of parsing `args` with `flags`: typed values and positionals. */
export type Parsed<F extends Flags> = ReturnType<typeof parseArgs<{ args: string[]; options: F; strict: true; allowPositionals: true }>>;

/** Parses strictly with the definitions; at most `positionals` arguments besides the flags. */
export function parseFlags<F extends Flags>(args: string[], flags: F, positionals = 0): Parsed<F> {
  try {
    const r = parseArgs({ args, options: flags, strict: true, allowPositionals: positionals > 0 });
    if (r.positionals.length > positionals) throw new UsageError(`unexpected argument '${r.positionals[positionals]}'`, 'argv');
    return r as Parsed<F>;
  } catch (e) {
    if (e instanceof OptionsError) throw e;
    throw new UsageError((e as Error).message, 'argv');
  }
}

/** Flags every command takes; read before the command's own (src/cli/index.ts). */
export const GLOBAL_FLAGS = {
  'log-format': { type: 'string', value: 'text|json', fallback: 'text', help: 'json: one log object per line on stderr' },
  help: { type: 'boolean', short: 'h', help: "this command's flags, their defaults and an example" },
} as const satisfies Flags;

/** True when `args` ask for help (`--help`, `-h`) as a flag, not as the value of another one. */
export function wantsHelp(args: string[], flags: Flags): boolean {
  const { tokens } = parseArgs({ args, options: { ...flags, help: GLOBAL_FLAGS.help }, strict: false, allowPositionals: true, tokens: true });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

// ---- definitions shared by several commands

export const CONFIG = { type: 'string', value: 'FILE', fallback: '$REMOTE_TRIGGER_CONFIG, else ./temporal.yaml if present', help: 'the configuration (temporal.yaml)' } as const;
export const JSON_OUTPUT = { type: 'boolean', help: 'exactly one JSON object on stdout, errors included' } as const;
export const QUIET = { type: 'boolean', short: 'q', help: 'no progress and no warnings: errors only' } as const;
export const VERBOSE = { type: 'boolean', short: 'v', help: "the local service's whole activity log for the trigger" } as const;
export const EXPORT_ENV = {
  type: 'string',
  value: 'FILE',
  // Not `--env-file`: Node 20 reads that flag anywhere on its command line and exits when the file does not exist yet.
  help: "write the plugin's TRIGGERED_BUILD_* variables as KEY='value' lines for `source`",
} as const;

/** The flags of `status`, `wait` and `artifact` (and, with --reason, `abort`). */
export const COMMON_FLAGS = { json: JSON_OUTPUT, config: CONFIG, quiet: QUIET, 'export-env': EXPORT_ENV, verbose: VERBOSE } as const satisfies Flags;

// ---- values

/** A whole-number flag, or undefined when not given. */
export function intFlag(value: string, name: string): number;
export function intFlag(value: string | undefined, name: string): number | undefined;
export function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${name} expects a whole number, got '${value}'`, name);
  return Number(value);
}

/** The trigger (or stage run) id, the first positional argument. */
export function requireId(positionals: string[]): string {
  const id = positionals[0];
  if (!id) throw new UsageError('a trigger id is required', 'id');
  return id;
}
