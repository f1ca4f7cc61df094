import { defaultTriggerId, startOrAttach } from '../../client.js';
import { RemoteJobHandle } from '../../handle.js';
import { loadConfig } from '../../options/config.js';
import { buildTriggerInput } from '../../options/trigger-input.js';
import { temporalMode } from '../../temporal/connect.js';
import { defineCommand, withRuntime } from '../command.js';
import { parseFlags, UsageError } from '../flags.js';
import { follow, serviceLogSize } from '../follow.js';
import { EXIT, finishOutput, log } from '../output.js';
import { TRIGGER_FLAGS } from '../trigger-flags.js';
import { checkSecretsResolvable, optionsFromFlags } from '../trigger-options.js';

/** `remote-trigger trigger`: the step on the command line (README "Command line"). */
export const triggerCommand = defineCommand({
  name: 'trigger',
  summary: 'trigger a remote Jenkins job (blocks until it finishes by default)',
  details: 'Everything is checked before anything starts (exit 2, nothing sent to Jenkins). Secret values come only from environment variables or the configuration, never from flags.',
  flags: TRIGGER_FLAGS,
  examples: [
    'remote-trigger trigger --job team/deploy --remote-jenkins-name ci --param ENV=staging --enhanced-logging',
    'remote-trigger trigger --job https://ci.example.com/job/nightly --no-block-build-until-complete --json --id nightly-1',
  ],
  async run({ values }) {
    const loaded = await loadConfig(values.config);
    const { config } = loaded;
    const options = await optionsFromFlags(values);
    if (values.id !== undefined && values.id.trim() === '') throw new UsageError('--id must not be empty', 'id');
    const id = values.id ?? defaultTriggerId(String(options.job ?? 'job'));
    // Everything is validated before anything starts (exit 2, nothing sent to Jenkins).
    const input = await buildTriggerInput(options, { config, triggerId: id });
    if (values['dry-run']) {
      process.stdout.write(`${JSON.stringify(input, null, 2)}\n`);
      return EXIT.ok;
    }
    // The local service runs with this configuration and the environment of the command that
    // started it: a secret this command cannot resolve is a configuration error now.
    if (temporalMode(config) === 'embedded') checkSecretsResolvable(input, config);
    return withRuntime({ loaded, quiet: values.quiet, startsTriggers: true }, async (runtime) => {
      const logFrom = serviceLogSize(runtime);
      const how = await startOrAttach(runtime.client, runtime.taskQueue, input);
      if (!values.quiet) log(how === 'started' ? `Trigger ${id} started: ${input.target.jobUrl}` : `Attached to existing trigger ${id}`);
      const handle = new RemoteJobHandle(runtime.client, id);
      const state = await follow(handle, runtime, {
        block: input.blockBuildUntilComplete,
        quiet: values.quiet,
        verbose: values.verbose,
        enhancedLogging: input.enhancedLogging,
        logFrom,
      });
      return finishOutput(state, values, input.blockBuildUntilComplete);
    });
  },
});

/** Runs `trigger` with these arguments (the demo does). */
export function runTrigger(args: string[]): Promise<number> {
  return triggerCommand.run(parseFlags(args, triggerCommand.flags));
}
