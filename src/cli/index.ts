import { installLogger, type LogFormat } from '../logging.js';
import { freePort } from '../temporal/embedded-server.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { parseFlags, UsageError, wantsHelp } from './flags.js';
import { commandHelp, mainHelp, version } from './help.js';
import { EXIT, reportError } from './output.js';

/**
 * `remote-trigger`: the step on the command line. Each command is one file of src/cli/commands;
 * this finds it, reads the flags every command takes (--log-format, --help), parses the
 * command's own flags and turns what it throws into an exit code (output.ts).
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // --log-format text|json is read here, for every command (the logger is installed once).
  const { rest, format, formatError } = takeLogFormat(args);
  const quiet = rest.includes('--quiet') || rest.includes('-q');
  // The worker's /metrics includes the SDK's runtime metrics, from Core's exporter on a local port.
  const sdkMetricsBind = command === 'worker' && rest.some((a) => a === '--metrics-port' || a.startsWith('--metrics-port=')) ? `127.0.0.1:${await freePort()}` : undefined;
  installLogger(command === 'worker' || command === 'service' || rest.includes('--verbose') || rest.includes('-v') ? 'INFO' : quiet ? 'ERROR' : 'WARN', { format, sdkMetricsBind });
  try {
    if (formatError) throw new UsageError(formatError, 'log-format');
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        // `help COMMAND` is `COMMAND --help`.
        const about = command === 'help' && rest.length ? findCommand(rest) : null;
        process.stdout.write(`${about ? commandHelp(about.command) : mainHelp(COMMANDS)}\n`);
        return command === undefined ? EXIT.invalid : EXIT.ok;
      }
      case '--version':
      case '-V':
        process.stdout.write(`${version()}\n`);
        return EXIT.ok;
    }
    const found = findCommand([command, ...rest]);
    if (!found) throw new UsageError(`unknown command '${command}'\n${mainHelp(COMMANDS)}`, 'command');
    const { command: c, args: own } = found;
    if (wantsHelp(own, c.flags)) {
      process.stdout.write(`${commandHelp(c)}\n`);
      return EXIT.ok;
    }
    return await c.run(parseFlags(own, c.flags, c.positionals ?? 0));
  } catch (e) {
    return reportError(e, rest.includes('--json'));
  }
}

function takeLogFormat(args: string[]): { rest: string[]; format: LogFormat; formatError: string | null } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--log-format') value = args[++i] ?? '';
    else if (a.startsWith('--log-format=')) value = a.slice('--log-format='.length);
    else rest.push(a);
  }
  if (value === undefined || value === 'text' || value === 'json') return { rest, format: value ?? 'text', formatError: null };
  return { rest, format: 'text', formatError: `--log-format must be text or json (got '${value}')` };
}
