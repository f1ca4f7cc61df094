import { defineCommand } from '../command.js';
import { COMMON_FLAGS } from '../flags.js';
import { follow, readsConsole, serviceLogSize } from '../follow.js';
import { finishOutput } from '../output.js';
import { forTriggerOrRun } from '../stages.js';

/** `remote-trigger wait ID`: follows a trigger or stage run to its end, with the exit codes of `trigger`. */
export const waitCommand = defineCommand({
  name: 'wait',
  args: 'ID',
  positionals: 1,
  summary: 'wait for a trigger or stage run to finish (same output and exit codes as trigger)',
  flags: COMMON_FLAGS,
  examples: ['remote-trigger wait nightly-2026-11-25 --json --export-env triggered.env'],
  run: (parsed) =>
    forTriggerOrRun('wait', parsed, parsed.values.quiet, async (handle, runtime) => {
      const { values } = parsed;
      const logFrom = serviceLogSize(runtime);
      const enhancedLogging = await readsConsole(handle);
      const state = await follow(handle, runtime, { block: true, quiet: values.quiet, verbose: values.verbose, enhancedLogging, logFrom });
      return finishOutput(state, values, true);
    }),
});
