import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import type { JenkinsClient } from '../jenkins/index.js';
import type { TriggerInput } from '../options/trigger-input.js';
import { type ActivityDeps, type SharedState, jenkinsFor, keepHeartbeating, clientSettingsOf, toFailure } from './context.js';
import { type AbortOutcome, type BuildRef, FailureTypes } from './types.js';

/** How long to wait for a stopped build to report ABORTED (Jenkins stops asynchronously). */
const STOP_WAIT_MS = 60_000;

/**
 * Cancels the queue item or stops the build (docs/plugin-compat.md §11). Handles the race where the item
 * leaves the queue while we cancel it: Jenkins then answers 500 for a left item, so we look the
 * build up and stop that instead.
 */
export async function abortRemote(
  deps: ActivityDeps,
  shared: SharedState,
  input: TriggerInput,
  at: { queueId: number | null; build: BuildRef | null },
): Promise<AbortOutcome> {
  const log = Context.current().log;
  const stop = keepHeartbeating(() => ({ phase: 'aborting' }));
  const jenkins = jenkinsFor(input.target, clientSettingsOf(input), deps, shared, input.token);
  try {
    let build = at.build;
    if (!build && at.queueId !== null) {
      const outcome = await jenkins.cancelQueueItem(at.queueId);
      if (outcome === 'cancelled') {
        log.info(`Remote Queued Items:${at.queueId} was canceled!`);
        return { action: 'cancelled-queue-item', build: null, result: null };
      }
      build = await buildOfQueueItem(jenkins, input, at.queueId);
      if (!build) {
        if (outcome === 'not-cancellable') {
          throw ApplicationFailure.create({ type: FailureTypes.AbortRefused, message: `Jenkins refused to cancel queue item ${at.queueId} (no Cancel permission)`, nonRetryable: true });
        }
        return { action: 'nothing-to-abort', build: null, result: null };
      }
    }
    if (!build) return { action: 'nothing-to-abort', build: null, result: null };

    const before = await jenkins.getBuild(build.buildUrl);
    if (!before.building && before.result !== null) {
      return { action: 'already-finished', build, result: before.result };
    }
    await jenkins.stopBuild(build.buildUrl);
    log.info(`Remote Job:${build.buildUrl} was aborted!`);
    const deadline = Date.now() + STOP_WAIT_MS;
    for (;;) {
      const b = await jenkins.getBuild(build.buildUrl);
      if (!b.building && b.result !== null) return { action: 'stopped-build', build, result: b.result };
      if (Date.now() > deadline) return { action: 'stopped-build', build, result: null };
      await sleep(500);
    }
  } catch (e) {
    throw toFailure(e);
  } finally {
    stop();
  }
}

async function buildOfQueueItem(jenkins: JenkinsClient, input: TriggerInput, queueId: number): Promise<BuildRef | null> {
  // The item may sit a moment in the "left, executable: null" window: look a few times.
  for (let i = 0; i < 10; i++) {
    try {
      const item = await jenkins.getQueueItem(queueId);
      if (item.executable) return { buildNumber: item.executable.number, buildUrl: item.executable.url };
      if (item.state === 'cancelled') return null;
    } catch {
      const b = await jenkins.findBuildByQueueId(input.target.jobUrl, queueId);
      return b ? { buildNumber: b.number, buildUrl: b.url } : null;
    }
    await sleep(300);
  }
  return null;
}
