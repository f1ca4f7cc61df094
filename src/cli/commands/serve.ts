import { readFile } from 'node:fs/promises';
import { resolveTokens } from '../../edge/settings.js';
import { loadConfig } from '../../options/config.js';
import { OptionsError } from '../../options/errors.js';
import { stateDir } from '../../temporal/state-dir.js';
import { defineCommand, withRuntime } from '../command.js';
import { CONFIG } from '../flags.js';
import { EXIT, logPlain as log } from '../output.js';

/**
 * `remote-trigger serve`: the trigger API (src/edge/api.ts) on Node, with the gRPC backend. With
 * no Temporal configured it is a client of the embedded mode's local service (its dev server,
 * with the HTTP API port, and its one worker, pinned to the same configuration); with
 * TEMPORAL_ADDRESS it is only the API and workers run elsewhere. Either way the API itself
 * refuses origins outside the configuration (403).
 */
export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'the trigger HTTP API (README "HTTP API")',
  details:
    'Exit 2 when no API token is configured (REMOTE_TRIGGER_API_TOKENS or api.tokens in temporal.yaml), or when --no-auth is asked on an address that is not loopback.',
  flags: {
    port: { type: 'string', value: 'P', default: '8787', help: 'the port to listen on (0: any free port)' },
    host: { type: 'string', value: 'H', default: '127.0.0.1', help: 'the address to listen on' },
    'no-auth': { type: 'boolean', default: false, help: 'no API tokens: every local process may use the API (loopback addresses only)' },
    config: CONFIG,
    verbose: { type: 'boolean', short: 'v', default: false, help: 'more log lines' },
    // temporal.yaml's `emulator` host: the quick start.
    emulator: { type: 'boolean', default: false, help: 'also run the Jenkins emulator on 127.0.0.1:8080' },
  },
  examples: ['remote-trigger serve --port 8787', 'remote-trigger serve --no-auth --emulator'],
  async run({ values }) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsError(`--port: not a port number: ${values.port}`, 'port');
    const loaded = await loadConfig(values.config);
    const { config } = loaded;
    const noAuth = values['no-auth'] === true;
    if (noAuth && !isLoopback(values.host)) {
      throw new OptionsError(`--no-auth is allowed only on a loopback address (127.0.0.1, ::1, localhost), not ${values.host}`, 'no-auth');
    }
    const tokens = noAuth ? [] : await resolveTokens(config, (n) => process.env[n], (p) => readFile(p, 'utf8'));
    if (!noAuth && tokens.length === 0) {
      throw new OptionsError(
        'no API token configured: set REMOTE_TRIGGER_API_TOKENS (comma-separated) or api.tokens in temporal.yaml, or pass --no-auth (localhost only)',
        'api.tokens',
      );
    }

    let emulator: { stop(): Promise<void> } | null = null;
    if (values.emulator) {
      const { startEmulatorFromCli } = await import('../../emulator/index.js');
      emulator = await startEmulatorFromCli({ port: 8080 });
    }
    const { grpcBackend } = await import('../../api/grpc-backend.js');
    const { serveFetch } = await import('../../api/node-server.js');
    const { createTriggerApi } = await import('../../edge/api.js');
    const { embeddedHttpUrl } = await import('../../temporal/embedded-server.js');

    const dir = stateDir(process.env, config.stateDir);
    // One worker per state directory: in the embedded mode the API is a client of the local
    // service (a second, in-process worker would compete with it for the same tasks).
    await withRuntime({ loaded, quiet: false, startsTriggers: true, log }, async (runtime) => {
      const { temporal, client } = runtime;
      const httpUrl = temporal.httpUrl ?? (temporal.mode === 'embedded' ? embeddedHttpUrl(dir) : null);
      const api = createTriggerApi({ backend: grpcBackend(client), config, tokens, auth: noAuth ? 'none' : 'tokens', taskQueue: temporal.taskQueue });
      const server = await serveFetch((req) => api.fetch(req), { port, host: values.host });
      log(`Temporal: ${temporal.address} (${temporal.mode}), task queue '${temporal.taskQueue}'${temporal.mode === 'embedded' ? ', the local service runs the worker' : ', workers run elsewhere'}`);
      if (httpUrl) log(`Temporal HTTP API (for the Deno entry: TEMPORAL_HTTP_URL): ${httpUrl}`);
      if (noAuth) log('WARNING: --no-auth: every local process may use this API');
      log(`remote-trigger API listening on ${server.url}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await server.close();
    });
    await emulator?.stop();
    return EXIT.ok;
  },
});

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
