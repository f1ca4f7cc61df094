// Public surface of the Jenkins emulator; the rest of the project imports only from here.
export type {
  BuildScript,
  EmulatorClock,
  EmulatorJob,
  EmulatorScenario,
  FaultRule,
  JenkinsEmulatorOptions,
  RecordedRequest,
} from './types.js';
export { JenkinsEmulator } from './emulator.js';
export { demoScenario, loadScenarioFile, ScenarioError } from './scenario.js';
export { startEmulatorFromCli } from './cli.js';
