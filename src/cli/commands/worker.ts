import { loadConfig } from '../../options/config.js';
import { temporalMode } from '../../temporal/connect.js';
import { defineCommand } from '../command.js';
import { CONFIG, intFlag, UsageError } from '../flags.js';
import { EXIT } from '../output.js';

/** `remote-trigger worker`: a worker against the configured Temporal cluster, until SIGINT/SIGTERM. */
export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'run a worker against the configured Temporal cluster (TEMPORAL_ADDRESS …)',
  details: 'External clusters only: in the embedded mode the local service runs the one worker.',
  flags: {
    config: CONFIG,
    'no-console-echo': { type: 'boolean', help: "do not copy the remote consoles into this worker's log" },
    'metrics-port': { type: 'string', value: 'P', help: 'serve Prometheus metrics on /metrics at this port' },
    'metrics-host': { type: 'string', value: 'H', fallback: '127.0.0.1', help: 'the address of --metrics-port' },
  },
  examples: ['TEMPORAL_ADDRESS=temporal.example.com:7233 remote-trigger worker --metrics-port 9464'],
  async run({ values }) {
    const metricsPort = intFlag(values['metrics-port'], 'metrics-port');
    if (temporalMode((await loadConfig(values.config)).config) === 'embedded') {
      // A second worker on the local dev server, with whatever configuration this directory has,
      // is exactly what the local service exists to prevent.
      throw new UsageError(
        'no Temporal address is configured (TEMPORAL_ADDRESS, a temporal.toml profile or temporal.address): in the embedded mode the local service runs the one worker; see `remote-trigger service status`',
        'temporal.address',
      );
    }
    const { runWorkerMain } = await import('../../worker.js');
    await runWorkerMain({ configPath: values.config, echoConsole: !values['no-console-echo'], metricsPort, metricsHost: values['metrics-host'] });
    return EXIT.ok;
  },
});
