import { failureOf } from '../../errors.js';
import { idleMinutesFromEnv, recordServiceFailure } from '../../temporal/local-service.js';
import { stateDir } from '../../temporal/state-dir.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../flags.js';
import { EXIT } from '../output.js';

/**
 * `service run`: the local service itself (src/service.ts), started detached by the first
 * command that needs it (temporal/local-service.ts), never by hand.
 */
export const serviceRunCommand = defineCommand({
  name: 'service run',
  hidden: true,
  summary: 'the local service itself, started by the CLI',
  details: 'Started detached by the first command that needs the local service; not for use by hand.',
  flags: {
    token: { type: 'string', value: 'TOKEN', help: 'the token the starting command recognises the service by' },
    config: { type: 'string', value: 'FILE', help: 'the configuration the service runs with' },
    'no-config': { type: 'boolean', help: 'run with no configuration file' },
  },
  examples: ['remote-trigger service run --token 0c1d… --no-config'],
  async run({ values }) {
    if (!values.token) throw new UsageError('service run is started by the CLI itself (it needs --token)', 'token');
    const { runLocalService } = await import('../../service.js');
    try {
      await runLocalService({ token: values.token, configPath: values['no-config'] ? null : (values.config ?? null), idleMinutes: idleMinutesFromEnv() });
    } catch (e) {
      // The command that started the service reports the same failure type (e.g. NoTemporalCli).
      recordServiceFailure(stateDir(process.env), failureOf(e).type);
      throw e;
    }
    return EXIT.ok;
  },
});
