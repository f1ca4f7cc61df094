// The client's public data types. Kept separate so activities and workflows can import them
// without pulling in the HTTP code.
import type { RemoteResult } from '../contract/results.js';

/**
 * A cached CSRF crumb with the session cookie it is bound to (Jenkins 2.176.2+), or the fact that
 * the server has CSRF protection off (crumb issuer 404), which is worth caching too.
 */
export type CrumbEntry = { field: string; value: string; cookie?: string } | { disabled: true };

export interface ParameterDefinition {
  name: string;
  type: string;
  defaultValue?: string | boolean | null;
  choices?: string[];
}

export interface JobInfo {
  name: string;
  fullName: string;
  displayName: string;
  fullDisplayName: string;
  url: string;
  buildable: boolean;
  parameterized: boolean;
  parameterDefinitions: ParameterDefinition[];
}

export type QueueItemState =
  | 'waiting'
  | 'blocked'
  | 'buildable'
  | 'pending'
  | 'left-starting'
  | 'executable'
  | 'cancelled';

export interface QueueItemView {
  id: number;
  state: QueueItemState;
  why: string | null;
  stuck: boolean;
  /** The url is re-based onto the configured root. */
  executable?: { number: number; url: string };
  /** A waiting item (quiet period): when it becomes buildable (Jenkins' clock, epoch ms). */
  dueAt?: number;
}

export interface TriggerRequest {
  jobUrl: string;
  parameterized: boolean;
  parameters: Array<[string, string]>;
  token?: string;
  files?: Array<{ name: string; fileName: string; content: Uint8Array | string }>;
  /** Trigger through the Build Token Root plugin: `job` is the job name or URL as configured. */
  buildTokenRoot?: { job: string };
}

export interface TriggerResponse {
  queueId: number;
  /** 303: Jenkins folded the request into an existing queue item (same parameters). */
  merged: boolean;
  status: number;
}

/** Jenkins' build results (src/contract/results.ts). */
export type BuildResult = RemoteResult;

export interface BuildView {
  number: number;
  url: string;
  building: boolean;
  inProgress: boolean | null;
  result: BuildResult | null;
  durationMs: number;
  queueId: number | null;
  timestamp: number;
  /** Jenkins' estimate of the build's duration from earlier builds, when it has one. */
  estimatedDurationMs?: number;
}

/** One entry of a job's `builds` list (docs/jenkins.md §8.2): what finds a build by its queue id. */
export interface JobBuildEntry {
  number: number;
  url: string;
  queueId: number | null;
  timestamp: number;
  building: boolean;
  result: string | null;
  parameters: Record<string, string>;
}

export interface QueueListItem {
  id: number;
  jobUrl: string | null;
  params: Record<string, string>;
  inQueueSince: number;
  why: string | null;
}

export interface ConsoleChunk {
  /** The chunk's bytes exactly as sent: what to store, so split characters join up again. */
  bytes: Uint8Array;
  /** X-Text-Size: a byte offset into the raw log; opaque, pass it back as `start`. */
  nextStart: string;
  moreData: boolean;
}
