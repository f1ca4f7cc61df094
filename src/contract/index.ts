/**
 * The contract every process (caller, worker, HTTP API, edge function) and every other client
 * shares: the workflow input and its schema, the trigger's state, the workflow and message
 * names, the failure types with their exit codes, and Jenkins' statuses and results.
 *
 * Pure: no Node module and no Temporal SDK, so that workflow code and the edge can import it.
 */
export * from './failures.js';
export * from './names.js';
export * from './results.js';
export * from './state.js';
export * from './trigger-input.js';
