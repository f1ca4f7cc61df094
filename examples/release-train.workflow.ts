/**
 * A release train as a Temporal workflow, with remote-trigger/workflow (README "Orchestrating
 * builds"): build the app and its docs in parallel, deploy to staging with the app's build
 * number, run the smoke tests against it, then deploy to production; page someone on failure.
 * `examples/release-train.stages.yaml` is the same train as a stage file.
 *
 * Register it with your other workflows (see README "Running the triggers"):
 *   export { releaseTrain } from './release-train.workflow';
 *   export { remoteTrigger, remoteJob, remoteJobBatch, remoteStages, readBuildArtifact } from 'remote-trigger/workflow';
 */
import { RemoteJobError, allRemoteJobs, triggerRemoteJob, type TriggerState } from 'remote-trigger/workflow';

export interface ReleaseInput {
  version: string;
  /** Task queue of a separate `remote-trigger worker`; omit when your worker runs our activities. */
  triggerQueue?: string;
}

export async function releaseTrain({ version, triggerQueue }: ReleaseInput): Promise<Record<string, TriggerState>> {
  const at = { taskQueue: triggerQueue };
  // Defaults every trigger shares; the worker resolves 'ci' from its own temporal.yaml.
  const ci = { remoteJenkinsName: 'ci', pollInterval: 10, abortTriggeredJob: true } as const;
  try {
    const [app, docs] = await Promise.all([
      triggerRemoteJob({ ...ci, job: 'app/build', parameters: { VERSION: version } }, at),
      triggerRemoteJob({ ...ci, job: 'docs/build', parameters: { VERSION: version } }, at),
    ]);
    const staging = await triggerRemoteJob({ ...ci, job: 'deploy', parameters: { ENV: 'staging', APP_BUILD: String(app.buildNumber) } }, at);
    // Smoke tests in three regions at once, at most two at a time, stop at the first failure.
    await allRemoteJobs(
      ['eu', 'us', 'ap'].map((region) => ({ options: { ...ci, job: 'smoke-tests', parameters: { REGION: region, TARGET: staging.buildUrl ?? '' } }, ...at })),
      { concurrency: 2, failFast: true },
    );
    const prod = await triggerRemoteJob({ ...ci, job: 'deploy', parameters: { ENV: 'prod', APP_BUILD: String(app.buildNumber) } }, at);
    return { app, docs, staging, prod };
  } catch (e) {
    if (e instanceof RemoteJobError || (e as { type?: string }).type === 'RemoteJobsFailed' || (e as { type?: string }).type === 'RemoteBuildFailed') {
      await triggerRemoteJob({ ...ci, job: 'ops/page', parameters: { WHAT: `release ${version} failed: ${(e as Error).message}` }, shouldNotFailBuild: true }, at);
    }
    throw e;
  }
}
