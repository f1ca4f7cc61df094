/**
 * Jenkins' build statuses and results, as every process and every other client sees them
 * (docs/plugin-compat.md §8): the one list, for the options' schema, the Jenkins client, the
 * emulator, the HTTP API's filters and the state a trigger reports.
 */

/** The plugin's RemoteBuildStatus: NOT_TRIGGERED → QUEUED → RUNNING → FINISHED. */
export const BUILD_STATUSES = ['NOT_TRIGGERED', 'QUEUED', 'RUNNING', 'FINISHED'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

/** A build's result once FINISHED (NOT_BUILT before). */
export const BUILD_RESULTS = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED'] as const;
export type RemoteResult = (typeof BUILD_RESULTS)[number];

/** The results that pass when `passingResults` is not given: the plugin's fixed set. */
export const DEFAULT_PASSING_RESULTS: RemoteResult[] = ['SUCCESS', 'UNSTABLE'];

export function isRemoteResult(value: unknown): value is RemoteResult {
  return (BUILD_RESULTS as readonly unknown[]).includes(value);
}
