import { defineCommand } from '../command.js';
import { intFlag, UsageError } from '../flags.js';
import { EXIT } from '../output.js';

/** `remote-trigger emulator`: the Jenkins emulator (docs/EMULATOR.md), until SIGINT/SIGTERM. */
export const emulatorCommand = defineCommand({
  name: 'emulator',
  summary: 'run the Jenkins emulator',
  details: 'An invalid scenario file exits 2, naming the field.',
  flags: {
    port: { type: 'string', value: 'P', default: '8080', help: 'the port to listen on (0: any free port)' },
    scenario: { type: 'string', value: 'FILE', help: 'jobs and builds to emulate (YAML or JSON)' },
    'public-url': { type: 'string', value: 'URL', help: 'the URL Jenkins puts in its answers, when clients reach it by another name' },
  },
  examples: ['remote-trigger emulator --port 8080 --scenario jenkins.yaml'],
  async run({ values }) {
    const { startEmulatorFromCli, ScenarioError } = await import('../../emulator/index.js');
    let emulator: Awaited<ReturnType<typeof startEmulatorFromCli>>;
    try {
      emulator = await startEmulatorFromCli({ port: intFlag(values.port, 'port'), scenarioFile: values.scenario, publicUrl: values['public-url'] });
    } catch (e) {
      // An invalid scenario file is invalid input (exit 2), with the field named, not a crash.
      if (e instanceof ScenarioError) throw new UsageError(e.message, e.field ?? 'scenario');
      throw e;
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await emulator.stop();
    return EXIT.ok;
  },
});
