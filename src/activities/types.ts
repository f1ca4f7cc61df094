import type { Target } from '../options/resolve.js';
import type { RemoteResult } from '../contract/results.js';
import type { SecretRef } from '../options/auth.js';

/** Shapes exchanged between the workflow and its activities (all end up in history: no secrets, no log text). */
export interface JobFacts {
  jobUrl: string;
  name: string;
  fullName: string;
  displayName: string;
  fullDisplayName: string;
  parameterized: boolean;
  /** The job declares the marker parameter, so the trigger id can be sent and found again. */
  hasMarkerParameter: boolean;
  /** Names of the job's file parameters (absent in histories recorded before file parameters existed). */
  fileParameters?: string[];
  /** Names of the job's password parameters: their values are masked in logs like secretParameters. */
  passwordParameters?: string[];
  /**
   * The trigger's search attributes the worker found registered when it started: the workflow
   * upserts only these (docs/design.md §3.8). Absent in histories recorded before them.
   */
  searchAttributes?: string[];
  /**
   * The heartbeat timeout for the waits, from a worker with the wait hub (docs/design.md §16).
   * Absent in histories recorded before it: those keep their old wait options.
   */
  waitHeartbeatTimeoutMs?: number;
}

export interface Triggered {
  queueId: number;
  /** Jenkins folded the request into an item that was already queued (HTTP 303). */
  merged: boolean;
  /** Found through the recovery path after an earlier attempt's answer was lost. */
  recovered: 'queue' | 'build' | null;
  /** Set when recovery found the build already started. */
  build?: BuildRef;
}

export interface BuildRef {
  buildNumber: number;
  buildUrl: string;
}

export interface Finished {
  result: RemoteResult;
  durationMs: number;
}

export interface AbortOutcome {
  action: 'cancelled-queue-item' | 'stopped-build' | 'nothing-to-abort' | 'already-finished';
  build: BuildRef | null;
  result: RemoteResult | null;
}

/** One completion webhook delivery: the body is built by the workflow, so every attempt sends the same bytes. */
export interface WebhookDelivery {
  triggerId: string;
  url: string;
  secret: SecretRef;
  body: string;
  /** Stable across attempts: receivers deduplicate on it (delivery is at least once). */
  deliveryId: string;
}

export interface ArtifactRequest {
  target: Target;
  buildUrl: string;
  path: string;
  httpGetReadTimeoutMs: number;
}

// The failure types are part of the contract (src/contract/failures.ts, with their exit codes);
// re-exported here for the activities and workflows that import them from this path.
export { FailureTypes } from '../contract/failures.js';

/** The activities as the workflows call them: derived from the factory that defines them (./index.ts). */
export type { RemoteTriggerActivities } from './index.js';

/** One read of a build's progressive console through the worker (docs/design.md §9.1). */
export interface ConsoleRequest {
  target: Target;
  buildUrl: string;
  /** Jenkins' cursor: '0', or the `next` of the previous read. */
  start: string;
  httpGetReadTimeoutMs: number;
}

export interface ConsoleRead {
  /** The bytes from `start` to the log's current end, exactly as Jenkins sent them, base64 (gzip first when large). */
  data: string;
  encoding: 'base64' | 'gzip+base64';
  /** X-Text-Size: pass it as the next `start`. */
  next: string;
  /** X-More-Data: the log may still grow. */
  more: boolean;
}
