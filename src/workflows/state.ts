// The trigger's state is part of the contract (src/contract/state.ts); re-exported here for the
// workflow code that imports it from this path.
export { type BuildStatus, type RemoteResult, type TriggerState, notTriggeredState, describeState } from '../contract/state.js';
