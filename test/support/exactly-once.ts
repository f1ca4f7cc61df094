/**
 * Exactly-once checks of a trigger (docs/design.md §6.2 and §9): one remote build, the one its
 * state names; the trigger POSTs that reached Jenkins; the worker's console file equal to the
 * build's consoleText. They only read what the real parts expose: the emulator's request log
 * and build list, Temporal history, the worker's console files. The reliability and
 * worker-restart tests assert them; the crash test (scripts/crash-test.ts) counts them.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { ConsoleStore } from '../../src/activities/console-store.js';
import type { JenkinsEmulator, RecordedRequest } from '../../src/emulator/index.js';
import type { BuildSummary } from '../../src/emulator/types.js';
import type { TriggerState } from '../../src/workflows/state.js';

/** The path of a job on the emulator: `team/app` → `/job/team/job/app`. */
export function jobPath(job: string): string {
  return `/job/${job.split('/').map(encodeURIComponent).join('/job/')}`;
}

/** Form fields and query parameters of a recorded request. */
function fieldsOf(r: RecordedRequest): Record<string, string> {
  return { ...r.query, ...Object.fromEntries(new URLSearchParams(r.body)) };
}

/** Every given parameter has the given value. */
function carries(fields: Record<string, string>, params: Record<string, string>): boolean {
  return Object.entries(params).every(([k, v]) => fields[k] === v);
}

/** Trigger POSTs (build, buildWithParameters) that reached the emulator for a job, optionally only those that carry `params`. */
export function triggerPosts(emulator: JenkinsEmulator, job: string, params: Record<string, string> = {}): RecordedRequest[] {
  const prefix = jobPath(job);
  return emulator
    .requests({ method: 'POST', pathPrefix: `${prefix}/` })
    .filter((r) => (r.path === `${prefix}/build` || r.path === `${prefix}/buildWithParameters`) && carries(fieldsOf(r), params));
}

export interface ActivityOutcome {
  /** Attempt number of the final (completed/failed) attempt. */
  attempts: number;
  result: unknown;
}

/** Completed runs of one activity type in a workflow's history, with their decoded results. */
export async function activityOutcomes(client: Client, workflowId: string, activityType: string): Promise<ActivityOutcome[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts = new Map<string, number>();
  const out: ActivityOutcome[] = [];
  for (const e of history.events ?? []) {
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

export interface ExactlyOnceCase {
  emulator: JenkinsEmulator;
  job: string;
  /** The trigger's final state. */
  state: TriggerState;
  /** Parameters that tell this trigger's builds and POSTs from others of the job; without them every build of the job is its. */
  params?: Record<string, string>;
  /**
   * `one`: exactly one trigger POST reached Jenkins. `one-accepted`: exactly one was accepted
   * (201); others are fine only if Jenkins never acted on them (not processed, or folded into
   * the queued item). Absent: POSTs are not checked.
   */
  posts?: 'one' | 'one-accepted';
  /** Compare the worker's console file of this trigger with the build's consoleText. */
  console?: { dir: string; triggerId: string };
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The exactly-once checks of one trigger, and what it made (for figures). */
export async function exactlyOnce(c: ExactlyOnceCase): Promise<{ checks: Check[]; builds: BuildSummary[]; posts: RecordedRequest[]; consoleBytes: number }> {
  const checks: Check[] = [];
  const builds = c.emulator.builds(c.job).filter((b) => carries(b.parameters, c.params ?? {}));
  checks.push({
    name: 'exactly one remote build, the one its state names',
    ok: builds.length === 1 && builds[0]!.number === c.state.buildNumber,
    detail: `builds ${JSON.stringify(builds.map((b) => b.number))}, state names #${c.state.buildNumber}`,
  });
  const posts = triggerPosts(c.emulator, c.job, c.params);
  const shown = posts.map((r) => `${r.status}${r.fault ? `/${r.fault}` : ''}`).join(' ');
  if (c.posts === 'one') checks.push({ name: 'exactly one trigger POST', ok: posts.length === 1, detail: `POSTs ${shown}` });
  if (c.posts === 'one-accepted') checks.push({ name: 'exactly one POST accepted by Jenkins', ok: posts.filter((r) => r.status === 201).length === 1, detail: `POSTs ${shown}` });
  let consoleBytes = 0;
  if (c.console && c.state.buildUrl) {
    const name = 'console equals consoleText: no line lost or repeated';
    try {
      const expected = await (await fetch(`${c.state.buildUrl}consoleText`)).text();
      const stored = await readFile(new ConsoleStore(c.console.dir).logPath(c.console.triggerId), 'utf8');
      consoleBytes = Buffer.byteLength(expected);
      checks.push({ name, ok: stored === expected, detail: `stored ${Buffer.byteLength(stored)} bytes, Jenkins ${consoleBytes} bytes` });
    } catch (e) {
      checks.push({ name, ok: false, detail: String(e) });
    }
  }
  return { checks, builds, posts, consoleBytes };
}

/** Asserts every exactly-once check of one trigger. */
export async function assertExactlyOnce(c: ExactlyOnceCase): Promise<void> {
  for (const check of (await exactlyOnce(c)).checks) assert.ok(check.ok, `${c.state.triggerId}: ${check.name}: ${check.detail}`);
}
