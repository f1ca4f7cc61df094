import type { AnyFailureType } from './failures.js';
import type { BuildStatus, RemoteResult } from './results.js';

export type { BuildStatus, RemoteResult } from './results.js';

/**
 * What a handle knows about one trigger at any moment; the workflow keeps it and answers the
 * `state` query with it. Small and free of log text and secrets (it ends up in history as
 * the workflow result).
 */
export interface TriggerState {
  triggerId: string;
  /** `job` as configured by the caller. */
  job: string;
  jobUrl: string;
  root: string;
  /** From the remote job's metadata, null until it was read (fixes plugin quirk 5). */
  jobName: string | null;
  jobFullName: string | null;
  jobDisplayName: string | null;
  jobFullDisplayName: string | null;
  parameterized: boolean | null;
  status: BuildStatus;
  /** NOT_BUILT until FINISHED. */
  result: RemoteResult;
  queueId: number | null;
  buildNumber: number | null;
  buildUrl: string | null;
  /** True when FINISHED with a passing result; null before. */
  passed: boolean | null;
  /** Set when an abort was asked for (signal, update, workflow cancellation or timeout). */
  abort: { reason: string; by: 'signal' | 'update' | 'cancel' | 'timeout' } | null;
  /** Why the trigger failed, if it did (an HTTP error, a cancelled queue item, a timeout …). */
  error: { type: AnyFailureType; message: string } | null;
  blockBuildUntilComplete: boolean;
  shouldNotFailBuild: boolean;
  passingResults: RemoteResult[];
}

/** A trigger's state before anything happened: what the caller gave, nothing from Jenkins yet. */
export function notTriggeredState(
  known: Pick<TriggerState, 'triggerId' | 'job' | 'jobUrl' | 'root' | 'blockBuildUntilComplete' | 'shouldNotFailBuild' | 'passingResults'>,
): TriggerState {
  return {
    ...known,
    jobName: null,
    jobFullName: null,
    jobDisplayName: null,
    jobFullDisplayName: null,
    parameterized: null,
    status: 'NOT_TRIGGERED',
    result: 'NOT_BUILT',
    queueId: null,
    buildNumber: null,
    buildUrl: null,
    passed: null,
    abort: null,
    error: null,
  };
}

/** The plugin's text form: `status=QUEUED`, or `status=FINISHED, result=SUCCESS` (docs/plugin-compat.md §8). */
export function describeState(s: Pick<TriggerState, 'status' | 'result'>): string {
  return s.status === 'FINISHED' ? `status=FINISHED, result=${s.result}` : `status=${s.status}`;
}
