import { ApplicationFailure } from '@temporalio/activity';
import { OptionsError } from '../options/errors.js';
import { checkRemoteJobOptions, type RemoteJobRequest } from '../options/remote-job-options.js';
import { buildTriggerInput, type TriggerInput } from '../options/trigger-input.js';
import type { ActivityDeps } from './context.js';
import { DEFAULT_TRUST_POLICY, misconfigured } from './trust.js';
import { FailureTypes } from './types.js';

/**
 * The worker turns the options of a `remoteJob` child into its TriggerInput, from its own
 * configuration (docs/design.md §3.5, §8): the parent workflow needs no configuration file and
 * never chooses a host's address or credentials itself. Options that would read a local file are
 * refused. A host or credential id this worker does not know is WorkerMisconfigured (retried for a
 * bounded time, so that a worker configured for it can take over); any other problem is final.
 */
export async function resolveTriggerOptions(deps: ActivityDeps, req: RemoteJobRequest): Promise<TriggerInput> {
  const checked = checkRemoteJobOptions(req.options);
  if (!checked.ok) throw invalid(`${checked.field}: ${checked.message}`, checked.field);
  try {
    // No cwd: nothing is read from disk (checked above).
    return await buildTriggerInput(req.options, { config: deps.config, triggerId: req.triggerId, cwd: '/' });
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e;
    if (e.field === 'remoteJenkinsName' || /unknown credentials id/.test(e.message)) {
      throw misconfigured(e.message, deps.policy ?? DEFAULT_TRUST_POLICY);
    }
    throw invalid(e.message, e.field);
  }
}

function invalid(message: string, field: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureTypes.InvalidOptions, message, nonRetryable: true, details: [{ field }] });
}
