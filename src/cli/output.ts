import { writeFile } from 'node:fs/promises';
import { EXIT, exitCodeOfFailure, FailureTypes } from '../contract/failures.js';
import type { TriggerState } from '../contract/state.js';
import { failureOf } from '../errors.js';
import { exportedVariables, formatEnvFile } from '../exported-vars.js';
import { RemoteTriggerError } from '../handle.js';
import { logFormat, writeLog } from '../log-line.js';
import { OptionsError } from '../options/errors.js';
import { HOW_TO_GET_TEMPORAL } from '../temporal/cli-path.js';

/**
 * What the CLI prints and how it exits. The contract (flags, JSON, exit codes) is in the README
 * ("Contract"); other tools script against it, so keep it stable. Progress goes to stderr, the
 * one `--json` object to stdout.
 */
export { EXIT };

/** A progress line on stderr (a log object with `--log-format json`). */
export const log = (line: string) => (logFormat() === 'json' ? writeLog('INFO', line) : process.stderr.write(`${line}\n`));

/** A line on stderr as it is, whatever the log format. */
export const logPlain = (line: string) => process.stderr.write(`${line}\n`);

/** One JSON object, one line, on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * The `--json` object. With the exit code: exit 1 always carries an `error` with the remote
 * result (`RemoteBuildFailed` when the state has no error of its own, e.g. a FAILURE result or
 * an abort).
 */
export function jsonOf(s: TriggerState, exitCode?: number) {
  const result = s.status === 'FINISHED' ? s.result : null;
  let error: { type: string; message: string; result?: string | null } | null = s.error;
  if (exitCode === EXIT.remoteFailed) {
    error = error
      ? { ...error, result }
      : {
          type: FailureTypes.RemoteBuildFailed,
          message: s.abort ? `The remote job was aborted: ${s.abort.reason}. (${result ?? s.status})` : `The remote job did not succeed. (${result ?? s.status})`,
          result,
        };
  }
  return {
    workflowId: s.triggerId,
    status: s.status,
    result,
    buildNumber: s.buildNumber,
    buildUrl: s.buildUrl,
    queueId: s.queueId,
    jobUrl: s.jobUrl ?? null,
    error,
  };
}

/** The exit code of a trigger's state: by its result, its abort, else its failure's type. */
export function exitCodeOf(s: TriggerState, blocking: boolean): number {
  if (s.shouldNotFailBuild) return EXIT.ok;
  if (!blocking && s.status !== 'NOT_TRIGGERED') return EXIT.ok;
  if (s.status === 'FINISHED') return s.passed ? EXIT.ok : EXIT.remoteFailed;
  if (s.abort) return EXIT.remoteFailed;
  // By the failure's type: e.g. 1 TriggerTimeout, 5 JenkinsRejected (Jenkins answered and refused).
  if (s.error) return exitCodeOfFailure(s.error.type);
  return EXIT.ok; // disabled: nothing was to be done
}

/** `--export-env FILE`: the plugin's exported variables of a trigger. */
export async function writeExportEnv(file: string | undefined, state: TriggerState): Promise<void> {
  if (file) await writeFile(file, formatEnvFile(exportedVariables([state])));
}

/** The end of `trigger` and `wait`: `--export-env`, the exit code and the `--json` object. */
export async function finishOutput(state: TriggerState, values: { json?: boolean; 'export-env'?: string }, blocking: boolean): Promise<number> {
  await writeExportEnv(values['export-env'], state);
  const code = exitCodeOf(state, blocking);
  if (values.json) printJson(jsonOf(state, code));
  return code;
}

export function describeForHumans(s: TriggerState): string {
  const lines = [
    `trigger:  ${s.triggerId}`,
    `job:      ${s.jobFullName ?? s.job} (${s.jobUrl})`,
    `status:   ${s.status}${s.status === 'FINISHED' ? `, result ${s.result}` : ''}`,
    `queue id: ${s.queueId ?? '-'}`,
    `build:    ${s.buildNumber ? `#${s.buildNumber} ${s.buildUrl}` : '-'}`,
  ];
  if (s.abort) lines.push(`aborted:  ${s.abort.reason} (${s.abort.by})`);
  if (s.error) lines.push(`error:    ${s.error.type}: ${s.error.message}`);
  return lines.join('\n');
}

/**
 * Exit code, stderr line and (with --json) the one JSON object on stdout for a failed command.
 * The exit code is decided by the failure type alone (README "Contract"), never by a message.
 */
export function reportError(e: unknown, json = false): number {
  const { type, message } = failureOf(e);
  const code = exitCodeOfFailure(type);
  const field = e instanceof OptionsError ? e.field : undefined;
  if (type === FailureTypes.NoTemporalCli) log(HOW_TO_GET_TEMPORAL);
  else if (type === FailureTypes.InvalidOptions) log(`remote-trigger: invalid options: ${message}`);
  else if (type === FailureTypes.Unexpected) log(`remote-trigger: ${(e as Error)?.stack ?? String(e)}`);
  else log(`remote-trigger: ${type}: ${message}`);
  if (json) {
    const state = e instanceof RemoteTriggerError && e.state ? jsonOf(e.state) : { workflowId: null, status: null, result: null, buildNumber: null, buildUrl: null, queueId: null, jobUrl: null };
    printJson({ ...state, error: { type, message, ...(field ? { field } : {}) } });
  }
  return code;
}
