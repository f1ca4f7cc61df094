import { RemoteJobHandle } from '../../handle.js';
import { defineCommand, withRuntime } from '../command.js';
import { COMMON_FLAGS, requireId } from '../flags.js';
import { describeForHumans, EXIT, jsonOf, log, printJson } from '../output.js';
import { stagesCommand } from '../stages.js';

/** `remote-trigger abort ID`: cancels the queue item or stops the build (of every trigger of a stage run). */
export const abortCommand = defineCommand({
  name: 'abort',
  args: 'ID',
  positionals: 1,
  summary: 'cancel the queue item or stop the remote build (of every trigger of a stage run)',
  details: 'Returns once the queue item is cancelled or the build stopped; on a trigger that has ended it says so, with its result, and aborts nothing (exit 0).',
  flags: { ...COMMON_FLAGS, reason: { type: 'string', value: 'TEXT', fallback: 'aborted from the command line', help: 'why, recorded with the abort' } },
  examples: ['remote-trigger abort nightly-2026-11-25 --reason "wrong branch"'],
  async run({ values, positionals }) {
    const id = requireId(positionals);
    return withRuntime({ config: values.config, quiet: true }, async (runtime) => {
      const run = await stagesCommand('abort', runtime.client, id, values);
      if (run !== null) return run;
      const handle = new RemoteJobHandle(runtime.client, id);
      // A trigger that has ended has nothing to abort: say so instead of "Aborted".
      const wasClosed = await handle.isClosed();
      const s = wasClosed ? await handle.state() : await handle.abort(values.reason ?? 'aborted from the command line');
      const aborted = !wasClosed && s.abort !== null;
      if (values.json) printJson({ ...jsonOf(s), aborted });
      else if (aborted) log(`Aborted ${id}: ${describeForHumans(s)}`);
      else log(`Trigger ${id} had already ended (${s.status === 'FINISHED' ? `result ${s.result}` : s.error ? `${s.error.type}` : s.status}): nothing to abort\n${describeForHumans(s)}`);
      return EXIT.ok;
    });
  },
});
