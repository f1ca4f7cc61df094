// The workflow bundle's entry point: only workflow functions are exported from here.
export { remoteTrigger, readBuildArtifact } from './remote-trigger.js';
export { readBuildConsole } from './read-console.js';
