import { CLI_BIN } from '../support/cli.js';
import { apiContract } from './contract.js';
import { startApiProcess } from '../support/processes.js';

// `remote-trigger serve` on Node: the same handler with the gRPC backend, as API only
// (TEMPORAL_ADDRESS set: the test's shared worker does the work).
apiContract('remote-trigger serve (Node, gRPC backend)', (ctx) =>
  startApiProcess(process.execPath, [CLI_BIN, 'serve', '--port', '0'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REMOTE_TRIGGER_STATE_DIR: ctx.h.tmp,
    TEMPORAL_ADDRESS: ctx.h.env.address,
    TEMPORAL_NAMESPACE: 'default',
    REMOTE_TRIGGER_CONFIG: ctx.configPath,
    ...ctx.env,
  }),
);
