import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { ConsoleStore } from '../../src/activities/console-store.js';
import type { JenkinsEmulator, RecordedRequest } from '../../src/emulator/index.js';

/**
 * Helpers of the reliability tests. They only read what the real parts expose: the emulator's
 * request log and build list, Temporal history, the worker's console files.
 */

export { postAsTest } from '../support/harness.js';

/** Trigger POSTs that reached the emulator for a job path (`/job/x`), optionally only those whose body contains `marker`. */
export function triggerPosts(emulator: JenkinsEmulator, jobPath: string, bodyIncludes?: string): RecordedRequest[] {
  return emulator
    .requests({ method: 'POST', pathPrefix: jobPath })
    .filter((r) => /\/(build|buildWithParameters)$/.test(r.path) && (bodyIncludes === undefined || r.body.includes(bodyIncludes)));
}

export interface ActivityOutcome {
  /** Attempt number of the final (completed/failed) attempt. */
  attempts: number;
  result: unknown;
}

/** Completed runs of one activity type in a workflow's history, with their decoded results. */
export async function activityOutcomes(client: Client, workflowId: string, activityType: string): Promise<ActivityOutcome[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const scheduled = new Map<string, string>();
  const attempts = new Map<string, number>();
  const out: ActivityOutcome[] = [];
  for (const e of events) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    if (e.activityTaskStartedEventAttributes) {
      attempts.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), e.activityTaskStartedEventAttributes.attempt ?? 1);
    }
    const done = e.activityTaskCompletedEventAttributes;
    if (done && scheduled.get(String(done.scheduledEventId)) === activityType) {
      const data = done.result?.payloads?.[0]?.data;
      out.push({
        attempts: attempts.get(String(done.scheduledEventId)) ?? 1,
        result: data ? JSON.parse(Buffer.from(data).toString('utf8')) : undefined,
      });
    }
  }
  return out;
}

/** The worker's console file for a trigger equals the build's consoleText byte for byte. */
export async function assertConsoleMatches(consoleDir: string, triggerId: string, buildUrl: string): Promise<number> {
  const expected = await (await fetch(`${buildUrl}consoleText`)).text();
  const stored = await readFile(new ConsoleStore(consoleDir).logPath(triggerId), 'utf8');
  assert.equal(stored, expected, `console of ${triggerId}: no line lost or repeated`);
  return Buffer.byteLength(stored);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
