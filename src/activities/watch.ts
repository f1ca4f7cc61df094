import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import { JenkinsError, type BuildView } from '../jenkins/index.js';
import type { TriggerInput } from '../options/trigger-input.js';
import { type ActivityDeps, type SharedState, jenkinsFor, keepHeartbeating, pollSleep, settingsOf, toFailure } from './context.js';
import { FastStart, buildPollDelay, queuePollDelay } from './poll-schedule.js';
import { FailureTypes, type BuildRef, type Finished } from './types.js';

/** How long Jenkins may keep failing with transient errors before a watcher gives up. */
const MAX_UNREACHABLE_MS = 30 * 60_000;
/** After 404 on the queue item and no build found, how many more looks before the build counts as lost. */
const LOST_ITEM_LOOKS = 5;


/**
 * Queue item → build (docs/jenkins.md §8), in one heartbeating activity. Fixes the plugin's
 * queue-expiry loss (JENKINS-55038): a 404 on the item falls back to the job's builds[queueId].
 */
export async function awaitBuildStart(deps: ActivityDeps, shared: SharedState, input: TriggerInput, queueId: number): Promise<BuildRef> {
  const log = Context.current().log;
  let progress: Record<string, unknown> = { phase: 'queued', queueId };
  const stop = keepHeartbeating(() => progress);
  const jenkins = jenkinsFor(input.target, settingsOf(input), deps, shared, input.token);
  const errors = new TransientErrors();
  let lostLooks = 0;
  let lastWhy: string | null = null;
  const intervalMs = input.queuePollIntervalSeconds * 1000;
  const fast = new FastStart(intervalMs);
  try {
    for (;;) {
      let dueInMs: number | null = null;
      try {
        const item = await jenkins.getQueueItem(queueId);
        errors.reset();
        lostLooks = 0;
        if (item.state === 'executable' && item.executable) {
          log.info(`Remote build started! ${item.executable.url}`);
          return { buildNumber: item.executable.number, buildUrl: item.executable.url };
        }
        if (item.state === 'cancelled') {
          throw ApplicationFailure.create({ type: FailureTypes.QueueItemCancelled, message: 'The remote job was canceled', nonRetryable: true });
        }
        if (item.why !== lastWhy && item.why) log.info(`The remote job is ${item.state}. ${item.why}`);
        lastWhy = item.why;
        progress = { phase: 'queued', queueId, state: item.state, why: item.why, stuck: item.stuck };
        if (item.dueAt !== undefined) dueInMs = item.dueAt - Date.now();
      } catch (e) {
        if (!(e instanceof JenkinsError)) throw e;
        if (e.status === 404) {
          // Left items are forgotten 5 minutes after they leave the queue, and at a Jenkins
          // restart. The build records the queue id it came from.
          const build = await jenkins.findBuildByQueueId(input.target.jobUrl, queueId);
          if (build) {
            log.info(`Queue item ${queueId} is gone; found build #${build.number} through its queueId.`);
            return { buildNumber: build.number, buildUrl: build.url };
          }
          if (++lostLooks >= LOST_ITEM_LOOKS) {
            throw ApplicationFailure.create({
              type: FailureTypes.BuildLost,
              message: `Queue item ${queueId} no longer exists and no build of ${input.target.jobUrl} has queueId ${queueId} (was the queue lost in a Jenkins restart?)`,
              nonRetryable: true,
            });
          }
          progress = { phase: 'queued', queueId, state: 'item not found', looks: lostLooks };
          // Give the item time to turn into a build: these looks stay on the interval.
          dueInMs = intervalMs;
        } else {
          errors.note(e, log);
          progress = { phase: 'queued', queueId, error: e.message };
        }
      }
      await pollSleep(deps, queuePollDelay(fast, intervalMs, dueInMs));
    }
  } catch (e) {
    throw toFailure(e);
  } finally {
    stop();
  }
}

/**
 * Polls the build at pollInterval until it is over (docs/jenkins.md §9) and, with
 * enhancedLogging, appends the remote console to the worker's console store exactly once.
 * `result` alone is not completion: Jenkins sets it before `building` turns false (quirk 4).
 */
export async function watchBuild(deps: ActivityDeps, shared: SharedState, input: TriggerInput, build: BuildRef): Promise<Finished> {
  const log = Context.current().log;
  const store = deps.consoleStore;
  let cursor = input.enhancedLogging ? await store.resume(input.triggerId) : null;
  let last: BuildView | null = null;
  const stop = keepHeartbeating(() => ({ phase: 'running', build: build.buildNumber, console: cursor?.start ?? null }));
  const jenkins = jenkinsFor(input.target, settingsOf(input), deps, shared, input.token);
  const errors = new TransientErrors();
  // One streaming decoder per attempt: a UTF-8 character split across chunks is decoded whole.
  const decoder = new TextDecoder();
  let tailPolls = 0;
  const intervalMs = input.pollIntervalSeconds * 1000;
  const fast = new FastStart(intervalMs);
  try {
    for (;;) {
      let remainingMs: number | null = null;
      try {
        last = await jenkins.getBuild(build.buildUrl);
        if (last.estimatedDurationMs !== undefined && last.timestamp > 0) remainingMs = last.timestamp + last.estimatedDurationMs - Date.now();
        let moreConsole = false;
        if (cursor) {
          const chunk = await jenkins.getConsoleChunk(build.buildUrl, cursor.start);
          if (chunk.bytes.length > 0 || chunk.nextStart !== cursor.start) {
            cursor = await store.append(input.triggerId, cursor, chunk.bytes, chunk.nextStart);
            if (chunk.bytes.length > 0) deps.onConsole?.(input.triggerId, decoder.decode(chunk.bytes, { stream: true }));
          }
          moreConsole = chunk.moreData;
        }
        errors.reset();
        const over = !last.building && last.inProgress !== true && last.result !== null;
        // Jenkins may still be writing the log just after the build ends (plugin PR #83):
        // keep reading the tail for a short while.
        if (over && (!moreConsole || ++tailPolls > 30)) {
          log.info(`Remote build finished with status ${last.result}.`);
          return { result: last.result!, durationMs: last.durationMs };
        }
        if (over) {
          await sleep(1000);
          continue;
        }
      } catch (e) {
        if (!(e instanceof JenkinsError)) throw e;
        if (e.status === 404) {
          throw ApplicationFailure.create({
            type: FailureTypes.BuildLost,
            message: `Remote build ${build.buildUrl} no longer exists (deleted or rotated while running)`,
            nonRetryable: true,
          });
        }
        errors.note(e, log);
      }
      await pollSleep(deps, buildPollDelay(fast, intervalMs, remainingMs));
    }
  } catch (e) {
    throw toFailure(e);
  } finally {
    stop();
  }
}

/** Tolerates transient errors (503 while Jenkins restarts, resets, timeouts) for a bounded time. */
class TransientErrors {
  private since: number | null = null;

  reset(): void {
    this.since = null;
  }

  note(e: JenkinsError, log: { warn(msg: string): void }): void {
    if (!e.retryable) throw e;
    const now = Date.now();
    this.since ??= now;
    log.warn(`Jenkins did not answer usefully, will retry: ${e.message}`);
    if (now - this.since > MAX_UNREACHABLE_MS) {
      throw ApplicationFailure.create({
        type: 'JenkinsUnreachable',
        message: `Jenkins kept failing for ${Math.round((now - this.since) / 60_000)} min; last error: ${e.message}`,
        nonRetryable: true,
      });
    }
  }
}

