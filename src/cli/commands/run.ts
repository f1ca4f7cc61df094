import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../options/config.js';
import { OptionsError } from '../../options/errors.js';
import { defineCommand, withRuntime } from '../command.js';
import { CONFIG, JSON_OUTPUT, QUIET, VERBOSE } from '../flags.js';
import { EXIT, logPlain as log } from '../output.js';
import { followStages, readStagesFile, stagesOutput, startOrAttachStages } from '../stages.js';

/**
 * `remote-trigger run stages.yaml` (README "Orchestrating builds", docs/design.md §3.7): one
 * durable `remoteStages` workflow per run. The whole file is checked before anything starts
 * (exit 2 naming the field); exit codes and `--json` follow `trigger`.
 */
export const runCommand = defineCommand({
  name: 'run',
  args: 'STAGES.yaml',
  // More than one is refused below with the command's usage.
  positionals: Infinity,
  summary: 'run a stage file (stages in order, triggers in parallel)',
  details: '`status`, `wait` and `abort` take the run\'s id as well as a trigger\'s.',
  flags: {
    id: { type: 'string', value: 'ID', fallback: 'stages-<file>-<random>', help: "the run's id; the same id again attaches to the existing run" },
    json: JSON_OUTPUT,
    config: CONFIG,
    quiet: QUIET,
    verbose: VERBOSE,
    'no-wait': { type: 'boolean', help: 'return once the run started' },
    'dry-run': { type: 'boolean', help: 'check the file and print it as the workflow gets it; start nothing' },
  },
  examples: ['remote-trigger run stages.yaml --json --id release-1.4.2'],
  async run({ values, positionals }) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new OptionsError('usage: remote-trigger run STAGES.yaml [--id ID] [--json] [--no-wait]', 'file');
    if (values.id !== undefined && values.id.trim() === '') throw new OptionsError('--id must not be empty', 'id');
    const loaded = await loadConfig(values.config);
    const spec = await readStagesFile(file, loaded.config);
    if (values['dry-run']) {
      process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
      return EXIT.ok;
    }
    const id = values.id ?? `stages-${path.basename(file).replace(/\.(ya?ml|json)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-')}-${randomUUID().slice(0, 8)}`;
    return withRuntime({ loaded, quiet: values.quiet, startsTriggers: true, log }, async (runtime) => {
      const how = await startOrAttachStages(runtime.client, runtime.taskQueue, id, spec, file);
      if (!values.quiet) log(how === 'started' ? `Stage run ${id} started (${spec.stages.length} stages)` : `Attached to existing stage run ${id}`);
      const state = await followStages(runtime.client, id, { quiet: values.quiet, block: !values['no-wait'] });
      return stagesOutput(state, values.json, !values['no-wait']);
    });
  },
});
