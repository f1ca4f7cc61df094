// The things the in-memory Jenkins is made of: jobs, queue items, builds, their parameters and
// causes. Model (model.ts) moves them through their life cycle.
import type { BuildResult, BuildScript, EmulatorJob, ParameterType } from './types.js';

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

export type ItemState = 'waiting' | 'blocked' | 'buildable' | 'left';

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

export interface Step {
  at: number;
  /** Clock handle. */
  handle: number;
  run: () => void;
}

export class Build {
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
    /** When it started (emulator time). */
    readonly timestamp: number,
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
