import { defineCommand } from '../command.js';
import { serviceCommand, SERVICE_FLAGS } from './service.js';

/** `remote-trigger stop-server`: the same as `service stop`. */
export const stopServerCommand = defineCommand({
  name: 'stop-server',
  summary: 'the same as `service stop`',
  flags: SERVICE_FLAGS,
  examples: ['remote-trigger stop-server'],
  run({ values }) {
    return serviceCommand.run({ values, positionals: ['stop'] });
  },
});
