import { type Config, loadConfig } from '../options/config.js';
import { TriggerRuntime } from '../runtime.js';
import type { Flags, Parsed } from './flags.js';
import { log } from './output.js';

/**
 * One command of `remote-trigger`: its flags (parser and help both come from them), its help
 * text and what it does. src/cli/commands/index.ts lists them.
 */
export interface Command<F extends Flags = Flags> {
  name: string;
  /** The positional arguments, as help shows them (`ID PATH`). */
  args?: string;
  /** How many positional arguments the parser accepts. */
  positionals?: number;
  /** One line, for `remote-trigger --help`. */
  summary: string;
  /** More about the command, for its own help. */
  details?: string;
  flags: F;
  examples: string[];
  /** Internal (started by the CLI itself): not listed by `remote-trigger --help`. */
  hidden?: boolean;
  run(parsed: Parsed<F>): Promise<number>;
}

/** Ties a command's `run` to the types of its own flags. */
export function defineCommand<const F extends Flags>(command: Command<F>): Command<F> {
  return command;
}

/**
 * Runs `body` with a runtime (a connection to Temporal and, in the embedded mode, the local
 * service) for the configuration of `--config` or one already loaded, and closes it whatever
 * happens. `quiet`: no progress lines while the local service starts;
 * `startsTriggers`: the command starts triggers, so the service must run with this configuration.
 */
export async function withRuntime<T>(
  opts: { config?: string; loaded?: { config: Config; path: string | null }; quiet: boolean | undefined; startsTriggers?: boolean; log?: (line: string) => void },
  body: (runtime: TriggerRuntime) => Promise<T>,
): Promise<T> {
  const loaded = opts.loaded ?? (await loadConfig(opts.config));
  const runtime = await TriggerRuntime.open({
    config: loaded.config,
    configPath: loaded.path,
    startsTriggers: opts.startsTriggers ?? false,
    log: opts.quiet ? () => {} : (opts.log ?? log),
  });
  try {
    return await body(runtime);
  } finally {
    await runtime.close();
  }
}
