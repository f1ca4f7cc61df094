// The workflow bundle's entry point: only workflow functions are exported from here.
export { remoteTrigger, readBuildArtifact, deliverWebhooks } from './remote-trigger.js';
export { remoteJob } from './remote-job.js';
export { remoteJobBatch } from './fan-out.js';
export { remoteStages } from './stages.js';
export { readBuildConsole } from './read-console.js';
