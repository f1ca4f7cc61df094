import { JenkinsEmulator } from './emulator.js';
import { demoScenario, loadScenarioFile } from './scenario.js';

/** Port used by `remote-trigger emulator` when none is given: Jenkins' own default. */
export const DEFAULT_CLI_PORT = 8080;

/**
 * Entry point for `remote-trigger emulator [--port P] [--scenario FILE] [--public-url URL]`:
 * loads the scenario (default demoScenario), starts, and announces the URL on stderr so that
 * stdout stays free for scripts.
 */
export async function startEmulatorFromCli(args: {
  port?: number;
  scenarioFile?: string;
  publicUrl?: string;
}): Promise<JenkinsEmulator> {
  const scenario = args.scenarioFile ? await loadScenarioFile(args.scenarioFile) : demoScenario;
  const emulator = new JenkinsEmulator({
    port: args.port ?? DEFAULT_CLI_PORT,
    scenario: args.publicUrl ? { ...scenario, publicUrl: args.publicUrl } : scenario,
  });
  await emulator.start();
  process.stderr.write(`Jenkins emulator listening on ${emulator.url}\n`);
  return emulator;
}
