import type { BuildResult, BuildScript, EmulatorJob, EmulatorScenario, ParameterType } from './types.js';

// The in-memory Jenkins: jobs, the queue and running builds. Everything time-based runs on
// timers owned by one Timers instance so that stop() can cancel all of it at once.

export interface ParamValue {
  name: string;
  type: ParameterType;
  /** Booleans are 'true'/'false'; a file parameter holds the uploaded content. */
  value: string;
  fileName?: string;
}

export type Cause =
  | { kind: 'user'; userId: string | null; userName: string }
  | { kind: 'remote'; addr: string; note?: string };

export function causeDescription(cause: Cause): string {
  if (cause.kind === 'user') return `Started by user ${cause.userName}`;
  return `Started by remote host ${cause.addr}${cause.note ? ` with note: ${cause.note}` : ''}`;
}

/** Jenkins' Util.getTimeSpanString, close enough for `why` texts. */
export function timeSpan(ms: number): string {
  const v = Math.max(0, ms);
  if (v >= 3_600_000) return `${Math.floor(v / 3_600_000)} hr`;
  if (v >= 60_000) return `${Math.floor(v / 60_000)} min`;
  if (v >= 10_000) return `${Math.floor(v / 1000)} sec`;
  if (v >= 1000) return `${(Math.floor(v / 100) / 10).toFixed(1)} sec`;
  return `${Math.floor(v)} ms`;
}

export class Timers {
  private readonly handles = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, Math.min(2 ** 31 - 1, Math.max(0, ms)));
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  cancelAll(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}

export class JobState {
  /** Newest first, like Job.getBuilds(). */
  readonly builds: Build[] = [];
  nextBuildNumber = 1;

  constructor(public def: EmulatorJob) {}

  get fullName(): string {
    return this.def.name;
  }

  get shortName(): string {
    return this.def.name.slice(this.def.name.lastIndexOf('/') + 1);
  }

  get parameterized(): boolean {
    return (this.def.parameters?.length ?? 0) > 0;
  }

  build(number: number): Build | undefined {
    return this.builds.find((b) => b.number === number);
  }
}

type ItemState = 'waiting' | 'blocked' | 'buildable' | 'left';

export class QueueItem {
  state: ItemState = 'waiting';
  /** When the item stopped waiting (BlockedItem/BuildableItem buildableStartMilliseconds). */
  readyAt: number | undefined;
  leftAt: number | undefined;
  cancelled = false;
  /** Set once the build exists; until then a LeftItem shows executable:null. */
  build: Build | undefined;

  constructor(
    readonly id: number,
    readonly job: JobState,
    /** null for a non-parameterized job. */
    readonly params: ParamValue[] | null,
    readonly causes: Cause[],
    readonly inQueueSince: number,
    public dueAt: number,
    readonly script: BuildScript,
  ) {}
}

interface Step {
  at: number;
  handle: NodeJS.Timeout;
  run: () => void;
}

export class Build {
  timestamp = Date.now();
  building = true;
  inProgress = true;
  result: BuildResult | null = null;
  duration = 0;
  artifactsArchived = false;
  stopping = false;
  /** Timed steps still to come; cancelled when the build is aborted. */
  steps: Step[] = [];
  private log = Buffer.alloc(0);

  constructor(
    readonly job: JobState,
    readonly number: number,
    readonly queueId: number,
    readonly params: ParamValue[] | null,
    readonly causes: Cause[],
    readonly script: BuildScript,
  ) {}

  get durationMs(): number {
    return this.script.durationMs ?? 1000;
  }

  append(text: string): void {
    this.log = Buffer.concat([this.log, Buffer.from(text, 'utf8')]);
  }

  /** Raw log bytes; progressiveText offsets are byte offsets into this. */
  get logBytes(): Buffer {
    return this.log;
  }

  paramRecord(): Record<string, string> {
    return Object.fromEntries((this.params ?? []).map((p) => [p.name, p.value]));
  }
}

export interface ModelSettings {
  executors: number;
  leftItemExpiryMs: number;
  leftItemNoExecutableMs: number;
  quietPeriodMs: number;
}

export function settingsOf(scenario: EmulatorScenario): ModelSettings {
  return {
    executors: scenario.executors ?? 2,
    leftItemExpiryMs: scenario.leftItemExpiryMs ?? 300_000,
    leftItemNoExecutableMs: scenario.leftItemNoExecutableMs ?? 100,
    quietPeriodMs: scenario.quietPeriodMs ?? 0,
  };
}

function consoleLinesOf(script: BuildScript): string[] {
  const lines = script.consoleLines ?? [];
  return typeof lines === 'number' ? Array.from({ length: lines }, (_, i) => `line ${i + 1}`) : lines;
}

/** ParametersAction equality is HashSet equality, so order does not matter. */
function paramKey(params: ParamValue[] | null): string {
  if (params === null) return '';
  return JSON.stringify([...params].map((p) => [p.name, p.value]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
}

const STOP_DELAY_MS = 100;
const POST_PRODUCTION_MS = 50;

export class Model {
  readonly jobs = new Map<string, JobState>();
  private readonly items = new Map<number, QueueItem>();
  /** Items that left the queue but whose build does not exist yet; they hold an executor. */
  private readonly starting = new Set<QueueItem>();
  private nextQueueId = 100;
  private pumpScheduled = false;
  /** The most builds that were in progress at the same moment (tests of concurrency limits). */
  peakRunningBuilds = 0;

  constructor(
    readonly settings: ModelSettings,
    jobs: EmulatorJob[],
    private readonly timers: Timers,
    private readonly log: (line: string) => void,
  ) {
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
    const now = Date.now();
    const quiet = quietPeriodMs ?? job.def.quietPeriodMs ?? this.settings.quietPeriodMs;
    const key = paramKey(params);
    for (const item of this.queued()) {
      if (item.job !== job || paramKey(item.params) !== key) continue;
      item.causes.push(cause);
      if (item.state === 'waiting' && now + quiet < item.dueAt) {
        item.dueAt = now + quiet;
        this.timers.after(quiet, () => this.pump());
      }
      return { item, created: false };
    }
    const item = new QueueItem(this.nextQueueId++, job, params, [cause], now, now + quiet, script);
    this.items.set(item.id, item);
    this.log(`queue: item ${item.id} for ${job.fullName} (quiet period ${quiet} ms)`);
    // Queue maintenance runs asynchronously in Jenkins too, so even a 0 ms quiet period is
    // briefly visible as a WaitingItem.
    if (quiet > 0) this.timers.after(quiet, () => this.pump());
    else this.schedulePump();
    return { item, created: true };
  }

  /** Any item by id, including left items until they expire. */
  item(id: number): QueueItem | undefined {
    const item = this.items.get(id);
    if (item && item.state === 'left' && item.leftAt !== undefined && Date.now() - item.leftAt >= this.settings.leftItemExpiryMs) {
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
    this.timers.after(0, () => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** One round of queue maintenance: move due items on, start what an executor can take. */
  pump(): void {
    const now = Date.now();
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
    item.leftAt = Date.now();
  }

  /**
   * Queue.onStartExecuting makes the LeftItem before the executor creates the build, so for
   * leftItemNoExecutableMs the item has neither `cancelled` nor `executable`.
   */
  private start(item: QueueItem): void {
    this.leave(item);
    this.starting.add(item);
    this.timers.after(this.settings.leftItemNoExecutableMs, () => {
      this.starting.delete(item);
      const job = item.job;
      const build = new Build(job, job.nextBuildNumber++, item.id, item.params, [...item.causes], item.script);
      job.builds.unshift(build);
      item.build = build;
      let running = 0;
      for (const j of this.jobs.values()) running += j.builds.filter((b) => b.inProgress).length;
      this.peakRunningBuilds = Math.max(this.peakRunningBuilds, running);
      this.log(`build: ${job.fullName} #${build.number} started (queue item ${item.id})`);
      this.run(build);
    });
  }

  private step(build: Build, delayMs: number, run: () => void): void {
    const step: Step = {
      at: Date.now() + delayMs,
      run,
      handle: this.timers.after(delayMs, () => {
        build.steps = build.steps.filter((s) => s !== step);
        run();
      }),
    };
    build.steps.push(step);
  }

  private run(build: Build): void {
    const script = build.script;
    const duration = build.durationMs;
    const resultLead = Math.min(script.resultBeforeEndMs ?? 200, duration);
    for (const cause of build.causes) build.append(`${causeDescription(cause)}\n`);
    build.append(`Running as SYSTEM\nBuilding in workspace /var/jenkins_home/workspace/${build.job.fullName}\n`);
    const lines = consoleLinesOf(script);
    lines.forEach((line, i) => {
      this.step(build, (duration * (i + 1)) / (lines.length + 1), () => build.append(`${line}\n`));
    });
    // Artifacts are archived by a post-build step, i.e. at about the time the result is known.
    this.step(build, duration - resultLead, () => {
      build.result ??= script.result ?? 'SUCCESS';
      build.artifactsArchived = true;
    });
    this.step(build, duration, () => this.endBuilding(build));
  }

  /** building -> false (POST_PRODUCTION); the log and the executor are released a moment later. */
  private endBuilding(build: Build): void {
    // On a busy machine Node may run this step before the result step (timers of different
    // durations live in different lists): a build that ends always has its result.
    build.result ??= build.script.result ?? 'SUCCESS';
    build.artifactsArchived = true;
    for (const step of build.steps) this.timers.cancel(step.handle);
    build.steps = [];
    build.building = false;
    build.duration = Math.max(1, Date.now() - build.timestamp);
    build.append(`Finished: ${build.result ?? 'SUCCESS'}\n`);
    this.log(`build: ${build.job.fullName} #${build.number} finished ${build.result}`);
    this.timers.after(POST_PRODUCTION_MS, () => {
      build.inProgress = false;
      this.pump();
    });
  }

  /** Executor.interrupt(ABORTED): asynchronous, like the real thing. Returns false if already over. */
  stop(build: Build, by: string): boolean {
    if (!build.building || build.stopping) return false;
    build.stopping = true;
    this.timers.after(STOP_DELAY_MS, () => {
      if (!build.building) return;
      build.result = 'ABORTED';
      build.append(`Aborted by ${by}\n`);
      this.endBuilding(build);
    });
    return true;
  }

  /** Test helper: ends every quiet period now and runs every running build's remaining steps. */
  completeAllPending(): void {
    const now = Date.now();
    for (const item of this.queued()) if (item.state === 'waiting') item.dueAt = now;
    for (const job of this.jobs.values()) {
      for (const build of job.builds) {
        if (!build.building || build.stopping) continue;
        const steps = [...build.steps].sort((a, b) => a.at - b.at);
        for (const step of steps) {
          if (!build.building) break;
          this.timers.cancel(step.handle);
          build.steps = build.steps.filter((s) => s !== step);
          step.run();
        }
      }
    }
    this.pump();
  }
}
