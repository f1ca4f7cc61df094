import type { Command } from '../command.js';
import { abortCommand } from './abort.js';
import { artifactCommand } from './artifact.js';
import { demoCommand } from './demo.js';
import { emulatorCommand } from './emulator.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { serviceRunCommand } from './service-run.js';
import { serviceCommand } from './service.js';
import { setupCommand } from './setup.js';
import { statusCommand } from './status.js';
import { stopServerCommand } from './stop-server.js';
import { triggerCommand } from './trigger.js';
import { waitCommand } from './wait.js';
import { workerCommand } from './worker.js';

/** Every command, in the order `remote-trigger --help` lists them. */
export const COMMANDS: readonly Command<any>[] = [
  triggerCommand,
  statusCommand,
  waitCommand,
  abortCommand,
  runCommand,
  listCommand,
  logsCommand,
  setupCommand,
  artifactCommand,
  workerCommand,
  emulatorCommand,
  demoCommand,
  serviceCommand,
  stopServerCommand,
  serveCommand,
  serviceRunCommand,
];

/** The command `argv` names, and the arguments after its name (`service run` is one of two words). */
export function findCommand(argv: string[]): { command: Command<any>; args: string[] } | null {
  const [first, second, ...rest] = argv;
  const two = COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (two) return { command: two, args: rest };
  const one = COMMANDS.find((c) => c.name === first);
  return one ? { command: one, args: argv.slice(1) } : null;
}
