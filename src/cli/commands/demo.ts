import { defaultTriggerId } from '../../client.js';
import { RemoteJobHandle } from '../../handle.js';
import { loadConfig } from '../../options/config.js';
import { runningService } from '../../temporal/local-service.js';
import { stateDir } from '../../temporal/state-dir.js';
import { defineCommand, withRuntime } from '../command.js';
import { CONFIG, JSON_OUTPUT } from '../flags.js';
import { EXIT, log } from '../output.js';
import { runTrigger } from './trigger.js';

/** `remote-trigger demo`: the emulator's demo job, triggered on the embedded defaults. */
export const demoCommand = defineCommand({
  name: 'demo',
  summary: "trigger the emulator's demo job on the embedded defaults",
  details: 'Starts the Jenkins emulator with its demo scenario, triggers its demo job and reads an archived file of the build.',
  flags: { json: JSON_OUTPUT, config: CONFIG },
  examples: ['remote-trigger demo'],
  async run({ values }) {
    const { JenkinsEmulator, demoScenario } = await import('../../emulator/index.js');
    const emulator = new JenkinsEmulator({ port: 0, scenario: demoScenario });
    await emulator.start();
    log(`Jenkins emulator (demo scenario) listening on ${emulator.url}`);
    const id = defaultTriggerId('demo');
    try {
      const code = await runTrigger([
        '--job', 'demo',
        '--remote-jenkins-url', emulator.url,
        '--param', 'BRANCH=main',
        '--param', 'DRY_RUN=false',
        '--poll-interval', '1',
        '--enhanced-logging',
        '--id', id,
        ...(values.json ? ['--json'] : []),
        ...(values.config ? ['--config', values.config] : []),
      ]);
      if (code === EXIT.ok) {
        // The handle's readJsonFileFromBuildArchive, served by the worker.
        await withRuntime({ config: values.config, quiet: true }, async (runtime) => {
          const results = await new RemoteJobHandle(runtime.client, id).readJsonFileFromBuildArchive('build-results.json');
          log(`Archived build-results.json: ${JSON.stringify(results)}`);
        });
      }
      log(`\nDone (exit code ${code}). Look again with: ./bin/remote-trigger.mjs status ${id}`);
      const service = runningService(stateDir(process.env, (await loadConfig(values.config)).config.stateDir));
      if (service) {
        const idle = service.idleMinutes > 0 ? `it stops by itself after ${service.idleMinutes} min without an open trigger, ` : '';
        log(`The local service (pid ${service.pid}) keeps running for later commands: ${idle}or now with ./bin/remote-trigger.mjs service stop`);
      }
      return code;
    } finally {
      await emulator.stop();
    }
  },
});
