import type { TriggerInput } from '../options/trigger-input.js';
import type { Target } from '../options/resolve.js';
import type { RemoteResult } from '../options/step-options.js';
import type { SecretRef } from '../options/auth.js';
import type { RemoteJobRequest } from '../options/remote-job-options.js';

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

/** Application failure types thrown by activities (and matched by the workflow and clients). */
export const FailureTypes = {
  /** Jenkins answered with a definitive error (400/401/403/404/409 …); retrying would not help. */
  JenkinsRejected: 'JenkinsRejected',
  /** The trigger POST may or may not have reached Jenkins; see the recovery path. */
  TriggerAmbiguous: 'TriggerAmbiguous',
  QueueItemCancelled: 'QueueItemCancelled',
  /** The queue item and the build it became can no longer be found. */
  BuildLost: 'BuildLost',
  /** A secret reference could not be resolved on the worker. */
  CredentialsMissing: 'CredentialsMissing',
  /** The input asks for something the worker's configuration forbids (activities/trust.ts). */
  TargetRefused: 'TargetRefused',
  /** This worker lacks a host or credential the trigger names; retried for a bounded time. */
  WorkerMisconfigured: 'WorkerMisconfigured',
  /** The workflow input does not pass the TriggerInput schema. */
  InvalidInput: 'InvalidInput',
  /** Options given to a workflow-side trigger (remote-trigger/workflow, a stage file) are invalid. */
  InvalidOptions: 'InvalidOptions',
  ArtifactNotFound: 'ArtifactNotFound',
  ArtifactNotJson: 'ArtifactNotJson',
  /** The build's console is gone (the build was deleted or rotated away), or one read is too large to carry. */
  ConsoleUnavailable: 'ConsoleUnavailable',
  RemoteBuildFailed: 'RemoteBuildFailed',
  Timeout: 'TriggerTimeout',
} as const;

export interface RemoteTriggerActivities {
  inspectJob(input: TriggerInput): Promise<JobFacts>;
  waitUntilJobIdle(input: TriggerInput, job: JobFacts): Promise<void>;
  triggerBuild(input: TriggerInput, job: JobFacts): Promise<Triggered>;
  awaitBuildStart(input: TriggerInput, queueId: number): Promise<BuildRef>;
  watchBuild(input: TriggerInput, build: BuildRef): Promise<Finished>;
  abortRemote(input: TriggerInput, at: { queueId: number | null; build: BuildRef | null }): Promise<AbortOutcome>;
  readArtifact(req: ArtifactRequest): Promise<{ body: string; contentType: string | null }>;
  deliverWebhook(req: WebhookDelivery): Promise<{ status: number }>;
  /** The TriggerInput of a `remoteJob` child, resolved from this worker's configuration. */
  resolveTriggerOptions(req: RemoteJobRequest): Promise<TriggerInput>;
  readConsole(req: ConsoleRequest): Promise<ConsoleRead>;
}

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
