import { statSync } from 'node:fs';
import path from 'node:path';
import { ConsoleStore } from '../activities/console-store.js';
import { ConsoleTail } from '../console-tail.js';
import { FailureTypes } from '../contract/failures.js';
import type { TriggerState } from '../contract/state.js';
import { RemoteJobHandle, RemoteTriggerError } from '../handle.js';
import { setLogContext } from '../log-line.js';
import type { TriggerRuntime } from '../runtime.js';
import { readServiceRecord, SERVICE_LOG } from '../temporal/local-service.js';
import { log } from './output.js';

/**
 * Following a trigger on the command line: its progress as the plugin printed it, polled every
 * 0.5 s, the remote console from the worker's console store, and in the embedded mode the local
 * service's log lines about it (docs/design.md §2.1).
 */

const serviceLogOf = (runtime: TriggerRuntime) => path.join(runtime.stateDir, SERVICE_LOG);

/** Size of the local service's log now: a follow shows only what is logged from here on. */
export function serviceLogSize(runtime: TriggerRuntime): number {
  if (runtime.temporal.mode !== 'embedded') return 0;
  try {
    return statSync(serviceLogOf(runtime)).size;
  } catch {
    return 0;
  }
}

/**
 * The local service's log lines about one trigger (the worker prefixes them with `[id]`):
 * warnings and errors by default, every line with -v, none with -q.
 */
function serviceLogTail(runtime: TriggerRuntime, id: string, opts: { quiet?: boolean; verbose?: boolean; logFrom?: number }): ConsoleTail | null {
  if (runtime.temporal.mode !== 'embedded' || opts.quiet) return null;
  const tag = `[${id}] `;
  return new ConsoleTail(
    serviceLogOf(runtime),
    (line) => {
      if (line.includes(tag) && (opts.verbose || /^(WARN|ERROR): /.test(line))) log(line);
    },
    opts.logFrom ?? 0,
  );
}

function serviceGone(runtime: TriggerRuntime, id: string): RemoteTriggerError {
  const rec = readServiceRecord(runtime.stateDir);
  return new RemoteTriggerError(
    `trigger ${id} is open, but the local service of ${runtime.stateDir} is no longer running` +
      `${rec ? '' : ' (stopped)'}; \`remote-trigger wait ${id}\` starts it again and carries on (its last log: ${serviceLogOf(runtime)})`,
    FailureTypes.ServiceStopped,
    null,
  );
}

/** A trigger's state; in the embedded mode a silent service is named as such. */
export async function stateOrExplain(handle: RemoteJobHandle, runtime: TriggerRuntime): Promise<TriggerState> {
  try {
    return await handle.state();
  } catch (e) {
    if (!(e instanceof RemoteTriggerError && e.type === FailureTypes.NoWorker) || runtime.temporal.mode !== 'embedded') throw e;
    const service = runtime.serviceRunning();
    if (!service) throw serviceGone(runtime, handle.workflowId);
    throw new RemoteTriggerError(
      `trigger ${handle.workflowId} is open, but the local service (pid ${service.pid}) did not answer within 10 s; see ${service.log}`,
      FailureTypes.NoWorker,
      e.state,
      handle,
    );
  }
}

/** Whether the trigger asked for its console (enhancedLogging): `wait` shows it then. */
export async function readsConsole(handle: RemoteJobHandle): Promise<boolean> {
  try {
    return (await handle.input()).enhancedLogging;
  } catch {
    return false;
  }
}

/** Follows a trigger until it ends (or, not blocking, until Jenkins accepted it); returns its state. */
export async function follow(
  handle: RemoteJobHandle,
  runtime: TriggerRuntime,
  opts: { block: boolean; quiet?: boolean; verbose?: boolean; enhancedLogging?: boolean; logFrom?: number },
): Promise<TriggerState> {
  const say = opts.quiet ? () => {} : log;
  const tail = opts.enhancedLogging && !opts.quiet ? new ConsoleTail(new ConsoleStore(runtime.consoleDir).logPath(handle.workflowId), log) : null;
  const serviceLog = serviceLogTail(runtime, handle.workflowId, opts);
  let shown = '';
  let consoleHeader = false;
  let waitingForWorker = false;
  let lastWhy: unknown = null;
  let lastWaitingFor: string | null = null;
  for (;;) {
    let snap: Awaited<ReturnType<RemoteJobHandle['snapshot']>>;
    try {
      snap = await handle.snapshot();
      setLogContext({ triggerId: snap.state.triggerId, job: snap.state.jobFullName ?? snap.state.job, build: snap.state.buildNumber });
    } catch (e) {
      if (!(e instanceof RemoteTriggerError && e.type === FailureTypes.NoWorker)) throw e;
      if (runtime.temporal.mode === 'embedded') {
        // The local service did not answer in time (busy, or just restarted): wait for it, as
        // long as it runs.
        const service = runtime.serviceRunning();
        if (!service) throw serviceGone(runtime, handle.workflowId);
        if (!waitingForWorker) say(`Waiting for the local service (pid ${service.pid}, log ${service.log}) to answer for trigger ${handle.workflowId}…`);
      } else if (!waitingForWorker) {
        // With an external cluster the work waits for a `remote-trigger worker`: so do we.
        say(`Waiting for a worker: ${e.message.split(' (start')[0]}; start one with \`remote-trigger worker\``);
      }
      waitingForWorker = true;
      await serviceLog?.poll();
      continue;
    }
    waitingForWorker = false;
    const s = snap.state;
    const key = `${s.status}|${s.queueId}|${s.buildNumber}`;
    if (key !== shown) {
      shown = key;
      if (s.status === 'QUEUED') say(`  Remote job queue number: ${s.queueId}\nWaiting for remote build to be executed...`);
      if (s.status === 'RUNNING' || (s.status === 'FINISHED' && s.buildUrl)) {
        if (!consoleHeader) say(`Remote build started!\n  Remote build URL: ${s.buildUrl}\n  Remote build number: ${s.buildNumber}`);
        if (tail && !consoleHeader) say(`${'-'.repeat(80)}\n\nConsole output of remote job:`);
        consoleHeader = true;
      }
    }
    if (snap.progress?.waitingFor && snap.progress.waitingFor !== lastWaitingFor) say(`Waiting: ${snap.progress.waitingFor}`);
    lastWaitingFor = snap.progress?.waitingFor ?? lastWaitingFor;
    if (s.status === 'QUEUED') {
      // The plugin's "The remote job is blocked. <why>." lines, from the watcher's heartbeat.
      const details = snap.progress?.details;
      if (details?.why && details.why !== lastWhy) say(`The remote job is ${String(details.state ?? 'queued')}. ${String(details.why)}`);
      lastWhy = details?.why ?? lastWhy;
    }
    if (!opts.block && s.status !== 'NOT_TRIGGERED') {
      say('Not blocking local job until remote job completes - fire and forget.');
      return s;
    }
    await tail?.poll();
    await serviceLog?.poll();
    if (snap.closed) {
      const final = await handle.result({ throwOnFailure: false });
      await serviceLog?.poll();
      if (tail) {
        await tail.flush();
        say('-'.repeat(80));
      }
      if (final.status === 'FINISHED') say(`Remote build finished with status ${final.result}.`);
      if (final.error) say(`ERROR: ${final.error.type}: ${final.error.message}`);
      return final;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
