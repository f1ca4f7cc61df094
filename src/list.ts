import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { OptionsError } from './options/errors.js';
import { SEARCH_ATTRIBUTES } from './workflows/search-attributes.js';
import { LISTED_WORKFLOW_TYPES } from './contract/names.js';
import { BUILD_STATUSES, type BuildStatus } from './contract/results.js';

/** What `listTriggers` and `remote-trigger list` filter on (all optional, combined with AND). */
export interface TriggerFilter {
  /** The job's full name (the RemoteJob search attribute), e.g. `folder/job`. */
  job?: string;
  status?: BuildStatus;
  /** SUCCESS, FAILURE, ABORTED, UNSTABLE, NOT_BUILT … */
  result?: string;
  /** Only triggers started within this long: a number with s, m, h or d (`90m`, `2d`), or milliseconds. */
  since?: string | number;
  /** At most this many (default 50). */
  limit?: number;
}

/** One line of `remote-trigger list`: read from Temporal's visibility store, no worker needed. */
export interface TriggerSummary {
  id: string;
  job: string | null;
  jobUrl: string | null;
  host: string | null;
  buildNumber: number | null;
  /** From the RemoteBuildStatus attribute; null when the trigger never set it (see README, "Finding triggers"). */
  status: BuildStatus | null;
  result: string | null;
  /** The workflow's own status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT … */
  workflowStatus: string;
  startTime: string;
  closeTime: string | null;
}

/** The visibility query of a filter (docs/design.md §3.8). Values are quoted, never spliced raw. */
export function triggerQuery(filter: TriggerFilter, now = Date.now()): string {
  // Triggers started by the library, the CLI or the API, and those of workflow code and stage files.
  const parts = [`(${LISTED_WORKFLOW_TYPES.map((t) => `WorkflowType = ${quote(t)}`).join(' OR ')})`];
  if (filter.job !== undefined) parts.push(`${SEARCH_ATTRIBUTES.RemoteJob.name} = ${quote(filter.job)}`);
  if (filter.status !== undefined) {
    const status = filter.status.toUpperCase() as BuildStatus;
    if (!BUILD_STATUSES.includes(status)) throw new OptionsError(`status must be one of ${BUILD_STATUSES.join(', ')} (got '${filter.status}')`, 'status');
    parts.push(`${SEARCH_ATTRIBUTES.RemoteBuildStatus.name} = ${quote(status)}`);
  }
  if (filter.result !== undefined) {
    if (!/^[A-Za-z_]+$/.test(filter.result)) throw new OptionsError(`result must be a Jenkins result name such as SUCCESS or FAILURE (got '${filter.result}')`, 'result');
    parts.push(`${SEARCH_ATTRIBUTES.RemoteBuildResult.name} = ${quote(filter.result.toUpperCase())}`);
  }
  if (filter.since !== undefined) parts.push(`StartTime > ${quote(new Date(now - durationMs(filter.since)).toISOString())}`);
  return parts.join(' AND ');
}

/** Triggers matching `filter`, the newest first. */
export async function listTriggersWith(client: Client, filter: TriggerFilter = {}): Promise<TriggerSummary[]> {
  const limit = filter.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1) throw new OptionsError(`limit must be a positive integer (got ${limit})`, 'limit');
  const out: TriggerSummary[] = [];
  for await (const info of client.workflow.list({ query: triggerQuery(filter), pageSize: Math.min(limit, 1000) })) {
    out.push(summaryOf(info));
    if (out.length >= limit) break;
  }
  return out.sort((a, b) => (a.startTime < b.startTime ? 1 : a.startTime > b.startTime ? -1 : 0));
}

function summaryOf(info: WorkflowExecutionInfo): TriggerSummary {
  const sa = info.typedSearchAttributes;
  const memo = (info.memo ?? {}) as { job?: string; jobUrl?: string };
  return {
    id: info.workflowId,
    job: sa.get(SEARCH_ATTRIBUTES.RemoteJob) ?? memo.job ?? null,
    jobUrl: sa.get(SEARCH_ATTRIBUTES.RemoteJobUrl) ?? memo.jobUrl ?? null,
    host: sa.get(SEARCH_ATTRIBUTES.RemoteHost) ?? null,
    buildNumber: sa.get(SEARCH_ATTRIBUTES.RemoteBuildNumber) ?? null,
    status: (sa.get(SEARCH_ATTRIBUTES.RemoteBuildStatus) as BuildStatus | undefined) ?? null,
    result: sa.get(SEARCH_ATTRIBUTES.RemoteBuildResult) ?? null,
    workflowStatus: info.status.name,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString() ?? null,
  };
}

export function durationMs(d: string | number): number {
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(d.trim());
  if (!m) throw new OptionsError(`since: expected a duration such as 30m, 2h or 7d (got '${d}')`, 'since');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[(m[2] ?? 's') as 'ms'];
  return Number(m[1]) * unit;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
