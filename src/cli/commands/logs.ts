import { setTimeout as delay } from 'node:timers/promises';
import { exitCodeOfFailure, FailureTypes } from '../../contract/failures.js';
import { RemoteJobHandle, RemoteTriggerError } from '../../handle.js';
import { defineCommand, withRuntime } from '../command.js';
import { CONFIG, JSON_OUTPUT, QUIET, requireId, UsageError } from '../flags.js';
import { EXIT, printJson } from '../output.js';

/**
 * `remote-trigger logs ID [--follow] [--start N]`: the remote console read through a worker
 * (README, "Following the console"), from any machine that reaches Temporal: no Jenkins
 * credentials and no access to the worker's disk needed. Bytes go to stdout exactly as Jenkins
 * sent them; the cursor is Jenkins' own, so nothing is lost or repeated between reads.
 */
export const logsCommand = defineCommand({
  name: 'logs',
  args: 'ID',
  positionals: 1,
  summary: 'the remote console, read through a worker (no Jenkins credentials needed)',
  details: 'Exit 1 when the trigger has no build or its console is gone.',
  flags: {
    follow: { type: 'boolean', short: 'f', help: 'keep reading until the build is over' },
    start: { type: 'string', value: 'N', fallback: '0', help: "Jenkins' console cursor to start from (the `next` of an earlier --json read)" },
    interval: { type: 'string', value: 'SECONDS', fallback: '1', help: 'seconds between reads with --follow (at least 0.1)' },
    json: JSON_OUTPUT,
    config: CONFIG,
    quiet: QUIET,
  },
  examples: ['remote-trigger logs nightly-2026-11-25 --follow'],
  async run({ values, positionals }) {
    const id = requireId(positionals);
    if (values.start !== undefined && !/^\d+$/.test(values.start)) throw new UsageError(`--start must be a console cursor (a non-negative integer), got '${values.start}'`, 'start');
    const intervalMs = values.interval !== undefined ? Number(values.interval) * 1000 : 1000;
    if (!(intervalMs >= 100)) throw new UsageError(`--interval must be a number of seconds ≥ 0.1 (got '${values.interval}')`, 'interval');

    return withRuntime({ config: values.config, quiet: true }, async (runtime) => {
      const handle = new RemoteJobHandle(runtime.client, id);
      const collected: Buffer[] = [];
      let next = values.start ?? '0';
      let more = true;
      try {
        for (;;) {
          const chunk = await handle.console({ start: next });
          if (chunk.bytes.length > 0) {
            if (values.json) collected.push(Buffer.from(chunk.bytes));
            else await write(chunk.bytes);
          }
          next = chunk.next;
          more = chunk.more;
          if (!values.follow || chunk.done) break;
          await delay(intervalMs);
        }
        if (values.json) printJson({ workflowId: id, console: Buffer.concat(collected).toString('utf8'), next, more, error: null });
        return EXIT.ok;
      } catch (e) {
        if (e instanceof RemoteTriggerError && (e.type === FailureTypes.NoBuild || e.type === FailureTypes.ConsoleUnavailable)) {
          process.stderr.write(`remote-trigger: ${e.message}\n`);
          if (values.json) printJson({ workflowId: id, console: null, next, more, error: { type: e.type, message: e.message } });
          return exitCodeOfFailure(e.type);
        }
        throw e;
      }
    });
  },
});

function write(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
}
