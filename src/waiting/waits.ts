/**
 * The three things a trigger waits for (docs/design.md §16): the job to be idle
 * (preventRemoteBuildQueue), its queue item to become a build, and the build to end. Each is a
 * `Wait` the worker's hub polls; `poll` may make requests, `peek` only looks at what a poll of
 * the same group has already read. Both return the next step, or throw a final failure.
 */
import { ApplicationFailure } from '@temporalio/common';
import { JenkinsError, jobPathOf, type BuildView, type JenkinsClient, type QueueState } from '../jenkins/index.js';
import type { TriggerInput } from '../options/trigger-input.js';
import type { ConsoleStore } from '../activities/console-store.js';
import { FailureTypes, type BuildRef, type Finished, type JobFacts } from '../activities/types.js';
import { FastStart, buildPollDelay, queuePollDelay } from '../activities/poll-schedule.js';
import type { BuildPages, QueueStates } from './reads.js';
import { TransientErrors } from './transient.js';

export type Step<T> = { wait: number } | { done: T };

export interface Reads {
  client: JenkinsClient;
  pages: BuildPages;
  queue: QueueStates;
  /** More than one wait in the group: read shared pages, not each wait's own URL. */
  coalesced: boolean;
}

export interface WaitLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export abstract class Wait<T = unknown> {
  abstract readonly phase: 'idle' | 'queue' | 'build';
  protected readonly errors = new TransientErrors();

  constructor(
    readonly input: TriggerInput,
    protected readonly log: WaitLog,
  ) {}

  /** One poll; Jenkins errors are sorted here, so a transient one becomes a later retry. */
  async poll(r: Reads): Promise<Step<T>> {
    try {
      const step = await this.read(r);
      this.errors.reset();
      return step;
    } catch (e) {
      if (!(e instanceof JenkinsError)) throw e;
      this.errors.note(e, this.log);
      return { wait: this.retryDelay() };
    }
  }

  /** The next step from reads this poll already made, or null when it needs its own. */
  abstract peek(r: Reads): Step<T> | null;
  /** What the activity's heartbeat shows. */
  abstract details(): Record<string, unknown>;
  protected abstract read(r: Reads): Promise<Step<T>>;
  protected abstract retryDelay(): number;
}

/** preventRemoteBuildQueue (docs/plugin-compat.md §14): waits while the job builds or has queued items. */
export class IdleWait extends Wait<null> {
  readonly phase = 'idle';
  private busySince: boolean | null = null;

  constructor(input: TriggerInput, log: WaitLog, private readonly job: JobFacts) {
    super(input, log);
  }

  protected async read(r: Reads): Promise<Step<null>> {
    const [builds, queue] = r.coalesced
      ? await Promise.all([r.pages.page(0), r.queue.read()])
      : await Promise.all([r.client.listBuildPage(this.job.jobUrl, 0, 5), r.client.listQueueStates()]);
    return this.judge(builds, queue);
  }

  peek(r: Reads): Step<null> | null {
    const builds = r.pages.knownFirst();
    const queue = r.queue.known();
    return builds && queue ? this.judge(builds, queue) : null;
  }

  private judge(builds: BuildView[], queue: QueueState[]): Step<null> {
    const root = this.input.target.root;
    const path = jobPathOf(this.job.jobUrl, root);
    const busy = builds.slice(0, 5).some((b) => b.building) || queue.some((q) => q.jobUrl !== null && jobPathOf(q.jobUrl, root) === path);
    if (!busy) {
      this.log.info(`  Remote job ${this.input.job} is currently not building.`);
      return { done: null };
    }
    if (this.busySince === null) {
      this.log.info(`  Remote build is currently running - waiting for it to finish. Next try in ${this.input.pollIntervalSeconds} seconds.`);
    }
    this.busySince = true;
    return { wait: this.input.pollIntervalSeconds * 1000 };
  }

  details(): Record<string, unknown> {
    return { phase: this.busySince ? 'remote job busy' : 'checking' };
  }

  protected retryDelay(): number {
    return this.input.pollIntervalSeconds * 1000;
  }
}

/** After 404 on the queue item and no build found, how many more looks before the build counts as lost. */
const LOST_ITEM_LOOKS = 5;

/**
 * Queue item → build (docs/jenkins.md §8). Coalesced, an item still in the host's queue list is
 * waiting, and one that left it is found among the job's newest builds by its queueId; only an
 * item in neither is read on its own (the start race, a cancel, an expired item).
 */
export class QueueWait extends Wait<BuildRef> {
  readonly phase = 'queue';
  private readonly fast: FastStart;
  private lastWhy: string | null = null;
  private lostLooks = 0;
  private progress: Record<string, unknown>;

  constructor(input: TriggerInput, log: WaitLog, readonly queueId: number) {
    super(input, log);
    this.fast = new FastStart(this.intervalMs);
    this.progress = { phase: 'queued', queueId };
  }

  private get intervalMs(): number {
    return this.input.queuePollIntervalSeconds * 1000;
  }

  protected async read(r: Reads): Promise<Step<BuildRef>> {
    if (r.coalesced) {
      const waiting = (await r.queue.read()).find((q) => q.id === this.queueId);
      if (waiting) return this.waiting(waiting);
      const started = (await r.pages.page(0)).find((b) => b.queueId === this.queueId);
      if (started) return this.started(started);
    }
    try {
      const item = await r.client.getQueueItem(this.queueId);
      this.lostLooks = 0;
      if (item.state === 'executable' && item.executable) return this.started(item.executable);
      if (item.state === 'cancelled') {
        throw ApplicationFailure.create({ type: FailureTypes.QueueItemCancelled, message: 'The remote job was canceled', nonRetryable: true });
      }
      return this.waiting(item);
    } catch (e) {
      if (!(e instanceof JenkinsError) || e.status !== 404) throw e;
      // Left items are forgotten 5 minutes after they leave the queue, and at a Jenkins restart.
      // The build records the queue id it came from (docs/jenkins.md §8.2).
      const build = r.coalesced
        ? (await r.pages.page(0)).find((b) => b.queueId === this.queueId)
        : await r.client.findBuildByQueueId(this.input.target.jobUrl, this.queueId);
      if (build) {
        this.log.info(`Queue item ${this.queueId} is gone; found build #${build.number} through its queueId.`);
        return this.started(build);
      }
      if (++this.lostLooks >= LOST_ITEM_LOOKS) {
        throw ApplicationFailure.create({
          type: FailureTypes.BuildLost,
          message: `Queue item ${this.queueId} no longer exists and no build of ${this.input.target.jobUrl} has queueId ${this.queueId} (was the queue lost in a Jenkins restart?)`,
          nonRetryable: true,
        });
      }
      this.progress = { phase: 'queued', queueId: this.queueId, state: 'item not found', looks: this.lostLooks };
      // Give the item time to turn into a build: these looks stay on the interval.
      return { wait: this.intervalMs };
    }
  }

  peek(r: Reads): Step<BuildRef> | null {
    const waiting = r.queue.known()?.find((q) => q.id === this.queueId);
    if (waiting) return this.waiting(waiting);
    const started = r.pages.knownFirst()?.find((b) => b.queueId === this.queueId);
    return started ? this.started(started) : null;
  }

  private started(build: { number: number; url: string }): Step<BuildRef> {
    this.log.info(`Remote build started! ${build.url}`);
    return { done: { buildNumber: build.number, buildUrl: build.url } };
  }

  private waiting(item: { state: string; why: string | null; stuck: boolean; dueAt?: number }): Step<BuildRef> {
    if (item.why !== this.lastWhy && item.why) this.log.info(`The remote job is ${item.state}. ${item.why}`);
    this.lastWhy = item.why;
    this.progress = { phase: 'queued', queueId: this.queueId, state: item.state, why: item.why, stuck: item.stuck };
    const dueInMs = item.dueAt !== undefined ? item.dueAt - Date.now() : null;
    return { wait: queuePollDelay(this.fast, this.intervalMs, dueInMs) };
  }

  details(): Record<string, unknown> {
    return this.progress;
  }

  protected retryDelay(): number {
    return this.fast.delay();
  }
}

/**
 * Polls the build until it is over (docs/jenkins.md §9) and, with enhancedLogging, appends the
 * remote console to the worker's console store exactly once. `result` alone is not completion:
 * Jenkins sets it before `building` turns false (quirk 4).
 */
export class BuildWait extends Wait<Finished> {
  readonly phase = 'build';
  private readonly fast: FastStart;
  private cursor: Awaited<ReturnType<ConsoleStore['resume']>> | null = null;
  // One streaming decoder per wait: a UTF-8 character split across chunks is decoded whole.
  private readonly decoder = new TextDecoder();
  private tailPolls = 0;

  constructor(
    input: TriggerInput,
    log: WaitLog,
    readonly build: BuildRef,
    private readonly console: { store: ConsoleStore; echo?: (triggerId: string, text: string) => void } | null,
  ) {
    super(input, log);
    this.fast = new FastStart(this.intervalMs);
  }

  private get intervalMs(): number {
    return this.input.pollIntervalSeconds * 1000;
  }

  protected async read(r: Reads): Promise<Step<Finished>> {
    let view: BuildView | null = null;
    if (r.coalesced) {
      try {
        view = await r.pages.find(this.build.buildNumber);
      } catch (e) {
        // A page Jenkins refuses (a job renamed, a permission) still leaves the build's own URL.
        if (!(e instanceof JenkinsError) || e.retryable) throw e;
      }
    }
    try {
      view ??= await r.client.getBuild(this.build.buildUrl);
    } catch (e) {
      if (e instanceof JenkinsError && e.status === 404) {
        throw ApplicationFailure.create({
          type: FailureTypes.BuildLost,
          message: `Remote build ${this.build.buildUrl} no longer exists (deleted or rotated while running)`,
          nonRetryable: true,
        });
      }
      throw e;
    }
    let moreConsole = false;
    if (this.console) {
      const { store, echo } = this.console;
      this.cursor ??= await store.resume(this.input.triggerId);
      const chunk = await r.client.getConsoleChunk(this.build.buildUrl, this.cursor.start);
      if (chunk.bytes.length > 0 || chunk.nextStart !== this.cursor.start) {
        this.cursor = await store.append(this.input.triggerId, this.cursor, chunk.bytes, chunk.nextStart);
        if (chunk.bytes.length > 0) echo?.(this.input.triggerId, this.decoder.decode(chunk.bytes, { stream: true }));
      }
      moreConsole = chunk.moreData;
    }
    return this.judge(view, moreConsole);
  }

  peek(r: Reads): Step<Finished> | null {
    // A wait that streams the console must read it on each poll.
    if (this.console) return null;
    const view = r.pages.known(this.build.buildNumber);
    return view ? this.judge(view, false) : null;
  }

  private judge(view: BuildView, moreConsole: boolean): Step<Finished> {
    const over = !view.building && view.inProgress !== true && view.result !== null;
    // Jenkins may still be writing the log just after the build ends: keep reading the tail for a short while.
    if (over && (!moreConsole || ++this.tailPolls > 30)) {
      this.log.info(`Remote build finished with status ${view.result}.`);
      return { done: { result: view.result!, durationMs: view.durationMs } };
    }
    if (over) return { wait: 1000 };
    const remainingMs = view.estimatedDurationMs !== undefined && view.timestamp > 0 ? view.timestamp + view.estimatedDurationMs - Date.now() : null;
    return { wait: buildPollDelay(this.fast, this.intervalMs, remainingMs) };
  }

  details(): Record<string, unknown> {
    return { phase: 'running', build: this.build.buildNumber, console: this.cursor?.start ?? null };
  }

  protected retryDelay(): number {
    return this.fast.delay();
  }
}
