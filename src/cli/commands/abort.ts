import { defineCommand } from '../command.js';
import { COMMON_FLAGS } from '../flags.js';
import { describeForHumans, EXIT, jsonOf, log, printJson } from '../output.js';
import { forTriggerOrRun } from '../stages.js';

/** `remote-trigger abort ID`: cancels the queue item or stops the build (of every trigger of a stage run). */
export const abortCommand = defineCommand({
  name: 'abort',
  args: 'ID',
  positionals: 1,
  summary: 'cancel the queue item or stop the remote build (of every trigger of a stage run)',
  details: 'Returns once the queue item is cancelled or the build stopped; on a trigger that has ended it says so, with its result, and aborts nothing (exit 0).',
  flags: { ...COMMON_FLAGS, reason: { type: 'string', value: 'TEXT', fallback: 'aborted from the command line', help: 'why, recorded with the abort' } },
  examples: ['remote-trigger abort nightly-2026-11-25 --reason "wrong branch"'],
  run: (parsed) =>
    forTriggerOrRun('abort', parsed, true, async (handle) => {
      const { values } = parsed;
      const id = handle.workflowId;
      // A trigger that has ended has nothing to abort: say so instead of "Aborted".
      const wasClosed = await handle.isClosed();
      const s = wasClosed ? await handle.state() : await handle.abort(values.reason ?? 'aborted from the command line');
      const aborted = !wasClosed && s.abort !== null;
      if (values.json) printJson({ ...jsonOf(s), aborted });
      else if (aborted) log(`Aborted ${id}: ${describeForHumans(s)}`);
      else log(`Trigger ${id} had already ended (${s.status === 'FINISHED' ? `result ${s.result}` : s.error ? `${s.error.type}` : s.status}): nothing to abort\n${describeForHumans(s)}`);
      return EXIT.ok;
    }),
});
