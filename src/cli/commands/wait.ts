import { RemoteJobHandle } from '../../handle.js';
import { defineCommand, withRuntime } from '../command.js';
import { COMMON_FLAGS, requireId } from '../flags.js';
import { follow, readsConsole, serviceLogSize } from '../follow.js';
import { finishOutput } from '../output.js';
import { stagesCommand } from '../stages.js';

/** `remote-trigger wait ID`: follows a trigger or stage run to its end, with the exit codes of `trigger`. */
export const waitCommand = defineCommand({
  name: 'wait',
  args: 'ID',
  positionals: 1,
  summary: 'wait for a trigger or stage run to finish (same output and exit codes as trigger)',
  flags: COMMON_FLAGS,
  examples: ['remote-trigger wait nightly-2026-11-25 --json --export-env triggered.env'],
  async run({ values, positionals }) {
    const id = requireId(positionals);
    return withRuntime({ config: values.config, quiet: values.quiet }, async (runtime) => {
      const run = await stagesCommand('wait', runtime.client, id, values);
      if (run !== null) return run;
      const handle = new RemoteJobHandle(runtime.client, id);
      const logFrom = serviceLogSize(runtime);
      const enhancedLogging = await readsConsole(handle);
      const state = await follow(handle, runtime, { block: true, quiet: values.quiet, verbose: values.verbose, enhancedLogging, logFrom });
      return finishOutput(state, values, true);
    });
  },
});
