/**
 * Every failure type this package sets or reports, with the CLI exit code it stands for (README
 * "Contract": the exit code table). The workflows and activities put these types on their
 * ApplicationFailures, the library on the errors it throws (`.type`), the HTTP API and `--json`
 * in `error.type`; the CLI's exit code is decided by the type alone, never by a message.
 *
 * Pure (no Node module, no Temporal SDK): workflow code imports it.
 */
import type { JenkinsErrorKind } from '../jenkins/errors.js';

/** The CLI's exit codes (README "Contract"). */
export const EXIT = { ok: 0, remoteFailed: 1, invalid: 2, unreachable: 3, notFound: 4, rejected: 5 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Failure type → exit code. A type not listed here (another worker's, Temporal's own) exits 3. */
export const FAILURES = {
  // ---- 1: the remote build did not pass, or what was asked of it is not there
  /** The result is not in `passingResults`. */
  RemoteBuildFailed: EXIT.remoteFailed,
  /** The queue item was cancelled on the Jenkins side. */
  QueueItemCancelled: EXIT.remoteFailed,
  /** The overall `timeout` passed (the trigger's build was aborted). */
  TriggerTimeout: EXIT.remoteFailed,
  /** `artifact`: the build archived no such file. */
  ArtifactNotFound: EXIT.remoteFailed,
  /** `artifact`, `logs`: the trigger has no build to read from. */
  NoBuild: EXIT.remoteFailed,
  /** The build's console is gone (deleted or rotated away), or one read is too large to carry. */
  ConsoleUnavailable: EXIT.remoteFailed,

  // ---- 2: invalid options or configuration
  /** Options (CLI, library, a workflow-side trigger, a stage file's trigger) are invalid. */
  InvalidOptions: EXIT.invalid,

  // ---- 3: Jenkins, Temporal, a worker or the local service did not do what was needed
  /** The workflow input does not pass the TriggerInput schema. */
  InvalidInput: EXIT.unreachable,
  /** The trigger POST may or may not have reached Jenkins; see the recovery path. */
  TriggerAmbiguous: EXIT.unreachable,
  /** The queue item and the build it became can no longer be found. */
  BuildLost: EXIT.unreachable,
  /** Transient Jenkins errors for too long while watching. */
  JenkinsUnreachable: EXIT.unreachable,
  /** Retryable Jenkins errors, by the client's error kind (JENKINS_RETRY_FAILURES). */
  JenkinsHttpError: EXIT.unreachable,
  JenkinsNetworkError: EXIT.unreachable,
  JenkinsTimeoutError: EXIT.unreachable,
  JenkinsProtocolError: EXIT.unreachable,
  JenkinsTlsError: EXIT.unreachable,
  JenkinsUsageError: EXIT.unreachable,
  /** A secret reference could not be resolved on the worker. */
  CredentialsMissing: EXIT.unreachable,
  /** The input asks for something the worker's configuration forbids (activities/trust.ts). */
  TargetRefused: EXIT.unreachable,
  /** This worker lacks a host or credential the trigger names; retried for a bounded time. */
  WorkerMisconfigured: EXIT.unreachable,
  /** Jenkins refused to cancel the queue item (no permission). */
  AbortRefused: EXIT.unreachable,
  /** A stop was sent, but the build reported no result within a minute. */
  AbortUnconfirmed: EXIT.unreachable,
  /** The archived file is not JSON (readJsonFileFromBuildArchive). */
  ArtifactNotJson: EXIT.unreachable,
  /** A completion webhook could not be delivered. */
  WebhookUnreachable: EXIT.unreachable,
  WebhookRejected: EXIT.unreachable,
  /** A trigger not run because another failed first (failFast). */
  Cancelled: EXIT.unreachable,
  /** `allRemoteJobs` without failFast: at least one trigger failed. */
  RemoteJobsFailed: EXIT.unreachable,
  /** A trigger that never left NOT_TRIGGERED and can no longer change (updateBuildStatusBlocking). */
  NotTriggered: EXIT.unreachable,
  /** The trigger's workflow runs, but no worker answered its query. */
  NoWorker: EXIT.unreachable,
  /** The local service of the embedded mode stopped while a trigger is open. */
  ServiceStopped: EXIT.unreachable,
  /** Neither the Temporal CLI nor the SDK's download of the dev server is available. */
  NoTemporalCli: EXIT.unreachable,
  /** Temporal's frontend did not answer (connection refused, unavailable, deadline). */
  TemporalUnreachable: EXIT.unreachable,
  /** Anything else: a bug, reported with its stack. */
  Unexpected: EXIT.unreachable,

  // ---- 4 and 5
  /** No trigger (or stage run) with that id. */
  NotFound: EXIT.notFound,
  /** Jenkins answered definitively and refused (400, 401, 403, 404, 405, 409 …); retrying would not help. */
  JenkinsRejected: EXIT.rejected,
} as const satisfies Record<string, ExitCode>;

export type FailureType = keyof typeof FAILURES;

/**
 * A failure type as errors and states carry it: one of FAILURES, or one set elsewhere (an
 * activity of another worker, a Temporal failure name), which exits 3.
 */
export type AnyFailureType = FailureType | (string & {});

/**
 * The failure types by name, for code that sets or matches them (`FailureTypes.JenkinsRejected`).
 * `Timeout` is the name the workflow code uses for `TriggerTimeout`.
 */
export const FailureTypes = {
  ...(Object.fromEntries(Object.keys(FAILURES).map((t) => [t, t])) as { readonly [T in FailureType]: T }),
  Timeout: 'TriggerTimeout',
} as const;

export function isFailureType(type: unknown): type is FailureType {
  return typeof type === 'string' && Object.hasOwn(FAILURES, type);
}

/** The exit code of a failure type; 3 for a type not in FAILURES (or none). */
export function exitCodeOfFailure(type: string | null | undefined): ExitCode {
  return isFailureType(type) ? FAILURES[type] : EXIT.unreachable;
}

/**
 * The failure type of a retryable Jenkins error, by the Jenkins client's error kind
 * (src/jenkins/errors.ts): what an activity reports while Temporal retries it.
 */
export const JENKINS_RETRY_FAILURES = {
  http: 'JenkinsHttpError',
  network: 'JenkinsNetworkError',
  timeout: 'JenkinsTimeoutError',
  protocol: 'JenkinsProtocolError',
  tls: 'JenkinsTlsError',
  usage: 'JenkinsUsageError',
} as const satisfies Record<JenkinsErrorKind, FailureType>;

/** An error this package throws: its `type` (FAILURES) decides the CLI's exit code. */
export class FailureError extends Error {
  override name = 'FailureError';
  constructor(
    message: string,
    readonly type: AnyFailureType,
  ) {
    super(message);
  }
}
