import { defineCommand } from '../command.js';
import { COMMON_FLAGS } from '../flags.js';
import { stateOrExplain } from '../follow.js';
import { describeForHumans, EXIT, jsonOf, printJson, writeExportEnv } from '../output.js';
import { forTriggerOrRun } from '../stages.js';

/** `remote-trigger status ID`: the state of a trigger or stage run, now. */
export const statusCommand = defineCommand({
  name: 'status',
  args: 'ID',
  positionals: 1,
  summary: 'the state of a trigger or stage run',
  flags: COMMON_FLAGS,
  examples: ['remote-trigger status nightly-2026-11-25 --json'],
  run: (parsed) =>
    forTriggerOrRun('status', parsed, true, async (handle, runtime) => {
      const { values } = parsed;
      const s = await stateOrExplain(handle, runtime);
      const progress = await handle.progress().catch(() => null);
      if (values.json) printJson(jsonOf(s));
      else process.stdout.write(`${describeForHumans(s)}${progress?.waitingFor ? `\nwaiting:  ${progress.waitingFor}` : ''}\n`);
      await writeExportEnv(values['export-env'], s);
      return EXIT.ok;
    }),
});
