// Public types of the Jenkins emulator. The zod schemas in scenario.ts validate files against
// these shapes; the interfaces stay hand-written because tests and benchmarks import them and
// read them as documentation.
import type { RemoteResult } from '../contract/results.js';

export type ParameterType = 'string' | 'boolean' | 'choice' | 'password' | 'file' | 'text';
/** Jenkins' build results (src/contract/results.ts). */
export type BuildResult = RemoteResult;

export interface EmulatorParameter {
  name: string;
  type?: ParameterType;
  default?: string | boolean;
  choices?: string[];
}

/** One job of a scenario. `name` is the full name; folders such as `team` in `team/deploy` are implicit. */
export interface EmulatorJob {
  name: string;
  parameters?: EmulatorParameter[];
  disabled?: boolean;
  /** "Trigger builds remotely" token. */
  token?: string;
  /** Defaults to scenario.quietPeriodMs (0 in the emulator; real Jenkins uses 5000). */
  quietPeriodMs?: number;
  /** false (default): a second build waits as a BlockedItem while one runs. */
  concurrentBuild?: boolean;
  build?: BuildScript;
}

/** What a build does over time. */
export interface BuildScript {
  /** Default 1000. */
  durationMs?: number;
  /** Default SUCCESS. */
  result?: BuildResult;
  /** N => "line 1".."line N"; either way the lines are spread evenly over the duration. */
  consoleLines?: number | string[];
  /** relativePath -> file content. */
  artifacts?: Record<string, string>;
  /** The result is set this long before `building` turns false (default 200). */
  resultBeforeEndMs?: number;
}

export interface EmulatorUser {
  name: string;
  password?: string;
  apiTokens?: string[];
  bearerTokens?: string[];
}

export interface EmulatorScenario {
  jobs: EmulatorJob[];
  /** Named scripts, chosen per trigger by the parameter named `scriptParameter`. */
  scripts?: Record<string, BuildScript>;
  /** Default 'EMULATOR_SCRIPT'. */
  scriptParameter?: string;
  security?: {
    /** Default: true when no users are configured, else false. */
    anonymousRead?: boolean;
    /** Default: true when no users are configured, else false. */
    anonymousBuild?: boolean;
    users?: EmulatorUser[];
  };
  /** Default enabled, field 'Jenkins-Crumb'. */
  csrf?: { enabled?: boolean; field?: string };
  /** Default 2. */
  executors?: number;
  /** Root URL advertised in JSON `url` fields and Location headers (as behind a proxy). */
  publicUrl?: string;
  /** Default 300000: left queue items 404 this long after leaving the queue. */
  leftItemExpiryMs?: number;
  /** Default 100: a LeftItem shows executable:null this long before the build appears. */
  leftItemNoExecutableMs?: number;
  /** Default 0. */
  quietPeriodMs?: number;
  /** JSESSIONID.<suffix>; default 8 random hex digits. */
  cookieSuffix?: string;
}

export type FaultKind =
  | 'status503'
  | 'status500'
  | 'html200'
  | 'loginRedirect'
  | 'slow'
  | 'reset'
  | 'acceptThenDrop'
  | 'acceptThenSlow';

/** A fault injected into matching requests; rules are checked in the order they were added. */
export interface FaultRule {
  method?: string;
  /** String: exact pathname, or a prefix when it ends in '*'. RegExp: tested against pathname+search. */
  path?: string | RegExp;
  kind: FaultKind;
  /** How many matching requests it affects; unlimited when absent. */
  times?: number;
  /** For slow / acceptThenSlow; default 60000. */
  delayMs?: number;
}

export interface RecordedRequest {
  seq: number;
  /** Emulator time of arrival (clock.now()). */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /**
   * The status the emulator produced. 0 when nothing was produced (reset, or a slow request
   * abandoned by its client); for acceptThenDrop it is the status the client never received.
   */
  status: number;
  fault?: string;
  /** Set once the client went away before a slow or acceptThenSlow answer was due. */
  abandoned?: true;
  /** Emulator time the answer was sent; absent while none was (or none will be). */
  answeredAt?: number;
}

/**
 * Emulator time, which tests can hold still (JenkinsEmulator.clock). It runs with real time until
 * paused; paused, nothing in the emulator moves on (queue items, builds, slow answers, restarts)
 * until advance() moves it on by exactly the given time or resume() lets it run again.
 */
export interface EmulatorClock {
  /** Emulator time in epoch milliseconds (Date.now() until the clock was first paused). */
  now(): number;
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  /** Paused clock only: moves it on by `ms`, running everything due by then, in order. */
  advance(ms: number): void;
}

export interface JenkinsEmulatorOptions {
  port?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Default 127.0.0.1. */
  host?: string;
  scenario?: EmulatorScenario;
  log?: (line: string) => void;
}

export interface BuildSummary {
  number: number;
  queueId: number;
  result: string | null;
  building: boolean;
  parameters: Record<string, string>;
}

export interface QueueItemSummary {
  id: number;
  job: string;
  state: string;
}
