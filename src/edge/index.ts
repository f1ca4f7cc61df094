// The edge API: a web-standard fetch handler and the backend on Temporal's HTTP API. No Node
// module and no Temporal SDK package is reachable from here (test/edge/graph.test.ts).
export { createTriggerApi, MAX_BODY_BYTES, type TriggerApi, type TriggerApiOptions } from './api.js';
export { temporalHttpBackend, type TemporalHttpOptions } from './temporal-http.js';
export { BackendError, type TemporalBackend, type Execution, type Outcome, type StartRequest, type ExecutionStatus } from './backend.js';
export { tokenChecker, type ApiToken } from './access.js';
export { apiSettingsFromEnv, configFromYaml, resolveTokens, type ApiSettings } from './settings.js';
