import { ApplicationFailure } from '@temporalio/common';
import type { JenkinsError } from '../jenkins/index.js';

/** How long Jenkins may keep failing with transient errors before a wait gives up. */
export const MAX_UNREACHABLE_MS = 30 * 60_000;

/**
 * Tolerates transient errors (503 while Jenkins restarts, resets, timeouts) for a bounded time,
 * the same for every kind of wait (docs/design.md §16). A definitive answer is thrown at once.
 */
export class TransientErrors {
  private since: number | null = null;

  reset(): void {
    this.since = null;
  }

  note(e: JenkinsError, log: { warn(msg: string): void }, now = Date.now()): void {
    if (!e.retryable) throw e;
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
