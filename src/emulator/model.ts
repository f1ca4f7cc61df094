// The in-memory Jenkins: jobs, the queue and running builds, moved on by the emulator's clock
// (clock.ts).
import type { Clock } from './clock.js';
import { BuildRunner } from './builds.js';
import { Build, type Cause, type ItemState, JobState, type ParamValue, QueueItem } from './entities.js';
import type { BuildScript, EmulatorJob, EmulatorScenario } from './types.js';

export interface ModelSettings {
  executors: number;
  leftItemExpiryMs: number;
  leftItemNoExecutableMs: number;
  quietPeriodMs: number;
}

/** The scenario's queue and executor settings, defaults filled in. */
export function modelSettings(scenario: EmulatorScenario): ModelSettings {
  return {
    executors: scenario.executors ?? 2,
    leftItemExpiryMs: scenario.leftItemExpiryMs ?? 300_000,
    leftItemNoExecutableMs: scenario.leftItemNoExecutableMs ?? 100,
    quietPeriodMs: scenario.quietPeriodMs ?? 0,
  };
}

/** ParametersAction equality is HashSet equality, so order does not matter. */
function paramKey(params: ParamValue[] | null): string {
  if (params === null) return '';
  return JSON.stringify([...params].map((p) => [p.name, p.value]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
}

export class Model {
  readonly jobs = new Map<string, JobState>();
  private readonly items = new Map<number, QueueItem>();
  /** Items that left the queue but whose build does not exist yet; they hold an executor. */
  private readonly starting = new Set<QueueItem>();
  private nextQueueId = 100;
  private pumpScheduled = false;
  /** The most builds that were in progress at the same moment (tests of concurrency limits). */
  peakRunningBuilds = 0;
  private readonly runner: BuildRunner;

  /** Emulator time (clock.ts). */
  now(): number {
    return this.clock.now();
  }

  constructor(
    readonly settings: ModelSettings,
    jobs: EmulatorJob[],
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
  ) {
    // A build that ends frees its executor: the queue moves on.
    this.runner = new BuildRunner(clock, log, () => this.pump());
    for (const job of jobs) this.setJob(job);
  }

  setJob(def: EmulatorJob): void {
    const existing = this.jobs.get(def.name);
    // Replacing a job keeps its history, as reconfiguring a Jenkins job does.
    if (existing) existing.def = def;
    else this.jobs.set(def.name, new JobState(def));
  }

  /** Folders are implicit: any proper prefix of a job's full name is a folder. */
  isFolder(fullName: string): boolean {
    const prefix = `${fullName}/`;
    for (const name of this.jobs.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  /** Direct children of a folder ('' = root): jobs and sub-folders, by short name. */
  children(folder: string): Array<{ name: string; fullName: string; job: JobState | undefined }> {
    const prefix = folder === '' ? '' : `${folder}/`;
    const seen = new Map<string, { name: string; fullName: string; job: JobState | undefined }>();
    for (const [fullName, job] of this.jobs) {
      if (!fullName.startsWith(prefix)) continue;
      const rest = fullName.slice(prefix.length);
      const name = rest.split('/')[0]!;
      const isJob = name === rest;
      if (!seen.has(name)) seen.set(name, { name, fullName: prefix + name, job: isJob ? job : undefined });
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Queue.schedule2: merges into a waiting/blocked/buildable item of the same job with the same
   * parameter set (folding the cause in), otherwise enqueues a new WaitingItem.
   */
  schedule(
    job: JobState,
    params: ParamValue[] | null,
    cause: Cause,
    quietPeriodMs: number | undefined,
    script: BuildScript,
  ): { item: QueueItem; created: boolean } {
    const now = this.clock.now();
    const quiet = quietPeriodMs ?? job.def.quietPeriodMs ?? this.settings.quietPeriodMs;
    const key = paramKey(params);
    for (const item of this.queued()) {
      if (item.job !== job || paramKey(item.params) !== key) continue;
      item.causes.push(cause);
      if (item.state === 'waiting' && now + quiet < item.dueAt) {
        item.dueAt = now + quiet;
        this.clock.after(quiet, () => this.pump());
      }
      return { item, created: false };
    }
    const item = new QueueItem(this.nextQueueId++, job, params, [cause], now, now + quiet, script);
    this.items.set(item.id, item);
    this.log(`queue: item ${item.id} for ${job.fullName} (quiet period ${quiet} ms)`);
    // Queue maintenance runs asynchronously in Jenkins too, so even a 0 ms quiet period is
    // briefly visible as a WaitingItem.
    if (quiet > 0) this.clock.after(quiet, () => this.pump());
    else this.schedulePump();
    return { item, created: true };
  }

  /** Any item by id, including left items until they expire. */
  item(id: number): QueueItem | undefined {
    const item = this.items.get(id);
    if (item && item.state === 'left' && item.leftAt !== undefined && this.clock.now() - item.leftAt >= this.settings.leftItemExpiryMs) {
      this.items.delete(id);
      return undefined;
    }
    return item;
  }

  /** Items still in the queue, in Queue.getItems() order: waiting, blocked, buildable. */
  queued(): QueueItem[] {
    const order: ItemState[] = ['waiting', 'blocked', 'buildable'];
    const all = [...this.items.values()].filter((i) => i.state !== 'left');
    return order.flatMap((state) => all.filter((i) => i.state === state));
  }

  allItems(): QueueItem[] {
    return [...this.items.keys()].map((id) => this.item(id)).filter((i): i is QueueItem => i !== undefined);
  }

  cancel(id: number): 'cancelled' | 'notFound' | 'alreadyLeft' {
    const item = this.item(id);
    if (!item) return 'notFound';
    if (item.state === 'left') return 'alreadyLeft';
    this.leave(item);
    item.cancelled = true;
    this.log(`queue: item ${id} cancelled`);
    return 'cancelled';
  }

  /** Jenkins restart: the left-item cache is in memory only. */
  forgetLeftItems(): void {
    for (const [id, item] of this.items) if (item.state === 'left') this.items.delete(id);
  }

  /** A restart that lost queue.xml: items not yet started are gone (no build, 404 on their id). */
  forgetQueuedItems(): void {
    for (const [id, item] of this.items) if (item.state !== 'left') this.items.delete(id);
  }

  runningBuild(job: JobState): Build | undefined {
    return job.builds.find((b) => b.inProgress);
  }

  private jobBusy(job: JobState): boolean {
    if (this.runningBuild(job)) return true;
    for (const item of this.starting) if (item.job === job) return true;
    return false;
  }

  busyExecutors(): number {
    let busy = this.starting.size;
    for (const job of this.jobs.values()) busy += job.builds.filter((b) => b.inProgress).length;
    return busy;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    this.clock.after(0, () => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** One round of queue maintenance: move due items on, start what an executor can take. */
  pump(): void {
    const now = this.clock.now();
    const candidates = [...this.items.values()].filter((i) => i.state !== 'left').sort((a, b) => a.id - b.id);
    for (const item of candidates) {
      if (item.state === 'waiting' && item.dueAt > now) continue;
      if (!item.job.def.concurrentBuild && this.jobBusy(item.job)) {
        item.state = 'blocked';
      } else if (this.busyExecutors() >= this.settings.executors) {
        item.state = 'buildable';
      } else {
        this.start(item);
        continue;
      }
      item.readyAt ??= now;
    }
  }

  private leave(item: QueueItem): void {
    item.state = 'left';
    item.leftAt = this.clock.now();
  }

  /**
   * Queue.onStartExecuting makes the LeftItem before the executor creates the build, so for
   * leftItemNoExecutableMs the item has neither `cancelled` nor `executable`.
   */
  private start(item: QueueItem): void {
    this.leave(item);
    this.starting.add(item);
    this.clock.after(this.settings.leftItemNoExecutableMs, () => {
      this.starting.delete(item);
      const job = item.job;
      const build = new Build(job, job.nextBuildNumber++, item.id, item.params, [...item.causes], item.script, this.clock.now());
      job.builds.unshift(build);
      item.build = build;
      let running = 0;
      for (const j of this.jobs.values()) running += j.builds.filter((b) => b.inProgress).length;
      this.peakRunningBuilds = Math.max(this.peakRunningBuilds, running);
      this.log(`build: ${job.fullName} #${build.number} started (queue item ${item.id})`);
      this.runner.run(build);
    });
  }

  /** Executor.interrupt(ABORTED): asynchronous, like the real thing. Returns false if already over. */
  stop(build: Build, by: string): boolean {
    return this.runner.stop(build, by);
  }

  /** Test helper: ends every quiet period now and runs every running build's remaining steps. */
  completeAllPending(): void {
    const now = this.clock.now();
    for (const item of this.queued()) if (item.state === 'waiting') item.dueAt = now;
    for (const job of this.jobs.values()) {
      for (const build of job.builds) if (build.building && !build.stopping) this.runner.runRemainingSteps(build);
    }
    this.pump();
  }
}
