// A running build's timeline: console lines spread over its duration, the result (and the
// artifacts) a little before `building` turns false, the executor freed a moment after that.
import type { Clock } from './clock.js';
import { type Build, causeDescription, type Step } from './entities.js';
import type { BuildScript } from './types.js';

const STOP_DELAY_MS = 100;
const POST_PRODUCTION_MS = 50;

function consoleLinesOf(script: BuildScript): string[] {
  const lines = script.consoleLines ?? [];
  return typeof lines === 'number' ? Array.from({ length: lines }, (_, i) => `line ${i + 1}`) : lines;
}

export class BuildRunner {
  constructor(
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    /** Called once a build no longer holds its executor. */
    private readonly released: () => void,
  ) {}

  private step(build: Build, delayMs: number, run: () => void): void {
    const step: Step = {
      at: this.clock.now() + delayMs,
      run,
      handle: this.clock.after(delayMs, () => {
        build.steps = build.steps.filter((s) => s !== step);
        run();
      }),
    };
    build.steps.push(step);
  }

  /** Schedules a new build's steps: console lines, the result (and artifacts), the end. */
  run(build: Build): void {
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
    for (const step of build.steps) this.clock.cancel(step.handle);
    build.steps = [];
    build.building = false;
    build.duration = Math.max(1, this.clock.now() - build.timestamp);
    build.append(`Finished: ${build.result ?? 'SUCCESS'}\n`);
    this.log(`build: ${build.job.fullName} #${build.number} finished ${build.result}`);
    this.clock.after(POST_PRODUCTION_MS, () => {
      build.inProgress = false;
      this.released();
    });
  }

  /** Executor.interrupt(ABORTED): asynchronous, like the real thing. Returns false if already over. */
  stop(build: Build, by: string): boolean {
    if (!build.building || build.stopping) return false;
    build.stopping = true;
    this.clock.after(STOP_DELAY_MS, () => {
      if (!build.building) return;
      build.result = 'ABORTED';
      build.append(`Aborted by ${by}\n`);
      this.endBuilding(build);
    });
    return true;
  }

  /** Runs a running build's remaining steps now, in their order. */
  runRemainingSteps(build: Build): void {
    const steps = [...build.steps].sort((a, b) => a.at - b.at);
    for (const step of steps) {
      if (!build.building) break;
      this.clock.cancel(step.handle);
      build.steps = build.steps.filter((s) => s !== step);
      step.run();
    }
  }
}
