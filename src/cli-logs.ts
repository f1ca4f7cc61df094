import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { EXIT, openRuntime, requireId, UsageError } from './cli.js';
import { RemoteJobHandle, RemoteTriggerError } from './handle.js';
import { loadConfig } from './options/config.js';

/**
 * `remote-trigger logs ID [--follow] [--start N]`: the remote console read through a worker
 * (README, "Following the console"), from any machine that reaches Temporal: no Jenkins
 * credentials and no access to the worker's disk needed. Bytes go to stdout exactly as Jenkins
 * sent them; the cursor is Jenkins' own, so nothing is lost or repeated between reads.
 */
export async function logsCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        follow: { type: 'boolean', short: 'f' },
        start: { type: 'string' },
        interval: { type: 'string' },
        json: { type: 'boolean' },
        config: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message, 'argv');
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, 'argv');
  const id = requireId(positionals);
  if (values.start !== undefined && !/^\d+$/.test(values.start)) throw new UsageError(`--start must be a console cursor (a non-negative integer), got '${values.start}'`, 'start');
  const intervalMs = values.interval !== undefined ? Number(values.interval) * 1000 : 1000;
  if (!(intervalMs >= 100)) throw new UsageError(`--interval must be a number of seconds ≥ 0.1 (got '${values.interval}')`, 'interval');

  const runtime = await openRuntime(await loadConfig(values.config), true, false);
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
    if (values.json) process.stdout.write(`${JSON.stringify({ workflowId: id, console: Buffer.concat(collected).toString('utf8'), next, more, error: null })}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof RemoteTriggerError && (e.type === 'NoBuild' || e.type === 'ConsoleUnavailable')) {
      process.stderr.write(`remote-trigger: ${e.message}\n`);
      if (values.json) process.stdout.write(`${JSON.stringify({ workflowId: id, console: null, next, more, error: { type: e.type, message: e.message } })}\n`);
      return EXIT.remoteFailed;
    }
    throw e;
  } finally {
    await runtime.close();
  }
}

function write(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
}
