// The TriggerInput schema is part of the contract (src/contract/trigger-input.ts); re-exported
// here for the workflow code that imports it from this path.
export { AuthRefSchema, TargetSchema, TriggerInputSchema, checkTriggerInput, type AuthRefInput, type Target, type TriggerInput } from '../contract/trigger-input.js';
