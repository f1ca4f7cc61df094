// The workflow bundle's entry point: only workflow functions are exported from here.
export { remoteTrigger, readBuildArtifact, deliverWebhooks } from './remote-trigger.js';
