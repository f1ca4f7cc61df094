import { proxyActivities } from '@temporalio/workflow';
import type { ConsoleRead, ConsoleRequest, RemoteTriggerActivities } from '../activities/types.js';

/**
 * Reads one chunk of a build's console through the worker, so callers on any machine need no
 * Jenkins credentials and no access to the worker's disk (docs/design.md §9.1). A workflow of its
 * own, like readBuildArtifact: it works while the trigger runs and after it closed.
 */
export async function readBuildConsole(req: ConsoleRequest): Promise<ConsoleRead> {
  const { readConsole } = proxyActivities<RemoteTriggerActivities>({
    startToCloseTimeout: req.httpGetReadTimeoutMs + 30_000,
    retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 4 },
  });
  return readConsole(req);
}
