import { loadConfig } from '../../options/config.js';
import { isTemporalCloud, registerSearchAttributes, tcldCommand, type OperatorServiceLike } from '../../search-attributes.js';
import { resolveTemporal, temporalMode } from '../../temporal/connect.js';
import { stateDir } from '../../temporal/state-dir.js';
import { defineCommand, withRuntime } from '../command.js';
import { CONFIG, JSON_OUTPUT, QUIET } from '../flags.js';
import { EXIT, printJson } from '../output.js';

/**
 * `remote-trigger setup`: registers the trigger's search attributes through the operator
 * service (idempotent); for Temporal Cloud prints the tcld command instead (docs/design.md §3.8).
 */
export const setupCommand = defineCommand({
  name: 'setup',
  summary: 'register the search attributes on the configured Temporal (idempotent)',
  details: 'Exit 2 when an attribute is registered with another type. On Temporal Cloud it prints the tcld command instead.',
  flags: { json: JSON_OUTPUT, config: CONFIG, quiet: QUIET },
  examples: ['TEMPORAL_ADDRESS=temporal.example.com:7233 remote-trigger setup'],
  async run({ values }) {
    const loaded = await loadConfig(values.config);
    if (temporalMode(loaded.config) === 'external') {
      // Temporal Cloud: nothing to connect to for this, the attributes are added with tcld.
      const { address, namespace } = await resolveTemporal(loaded.config, stateDir(process.env, loaded.config.stateDir));
      if (isTemporalCloud(address)) {
        const command = tcldCommand(namespace);
        if (values.json) printJson({ namespace, cloud: true, command, added: [], present: [], error: null });
        else process.stdout.write(`Temporal Cloud: search attributes are added with tcld:\n${command}\n`);
        return EXIT.ok;
      }
    }
    return withRuntime({ loaded, quiet: true }, async (runtime) => {
      const { address, namespace } = runtime.temporal;
      const r = await registerSearchAttributes(runtime.client.connection.operatorService as unknown as OperatorServiceLike, namespace);
      if (values.json) {
        printJson({ namespace, cloud: false, added: r.added, present: r.present, wrongType: r.wrongType, error: null });
      } else {
        process.stdout.write(
          `namespace ${namespace} on ${address}: ${r.added.length ? `added ${r.added.join(', ')}` : 'nothing to add'}; registered: ${r.present.join(', ') || 'none'}\n`,
        );
        if (r.wrongType.length) process.stdout.write(`registered with another type (not set by triggers): ${r.wrongType.join(', ')}\n`);
        if (r.added.length) process.stdout.write('restart running workers so that they set the new attributes\n');
      }
      return r.wrongType.length ? EXIT.invalid : EXIT.ok;
    });
  },
});
