import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { grpcBackend } from './api/grpc-backend.js';
import { serveFetch } from './api/node-server.js';
import { createTriggerApi } from './edge/api.js';
import { resolveTokens } from './edge/settings.js';
import { loadConfig } from './options/config.js';
import { OptionsError } from './options/errors.js';
import { TriggerRuntime } from './runtime.js';
import { embeddedHttpUrl } from './temporal/embedded-server.js';
import { stateDir } from './temporal/state-dir.js';

/**
 * `remote-trigger serve [--port P] [--host H] [--no-auth] [--config FILE] [--emulator]`: the trigger API
 * (src/edge/api.ts) on Node, with the gRPC backend. With no Temporal configured it is a client of
 * the embedded mode's local service (its dev server, with the HTTP API port, and its one worker,
 * pinned to the same configuration); with TEMPORAL_ADDRESS it is only the API and workers run
 * elsewhere. Either way the API itself refuses origins outside the configuration (403).
 */
export async function serveCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-auth': { type: 'boolean', default: false },
      config: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
      /** Also run the Jenkins emulator on 127.0.0.1:8080 (temporal.yaml's `emulator` host): the quick start. */
      emulator: { type: 'boolean', default: false },
    },
    strict: true,
  });
  } catch (e) {
    throw new OptionsError(`serve: ${(e as Error).message}`, 'argv');
  }
  const { values } = parsed;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsError(`--port: not a port number: ${values.port}`, 'port');
  const loaded = await loadConfig(values.config);
  const { config } = loaded;
  const noAuth = values['no-auth'] === true;
  if (noAuth && !isLoopback(values.host!)) {
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
    const { startEmulatorFromCli } = await import('./emulator/index.js');
    emulator = await startEmulatorFromCli({ port: 8080 });
  }

  const dir = stateDir(process.env, config.stateDir);
  // One worker per state directory: in the embedded mode the API is a client of the local
  // service (a second, in-process worker would compete with it for the same tasks).
  const runtime = await TriggerRuntime.open({ config, configPath: loaded.path, log });
  const temporal = runtime.temporal;
  const client = runtime.client;
  const httpUrl = temporal.httpUrl ?? (temporal.mode === 'embedded' ? embeddedHttpUrl(dir) : null);

  const api = createTriggerApi({ backend: grpcBackend(client), config, tokens, auth: noAuth ? 'none' : 'tokens', taskQueue: temporal.taskQueue });
  const server = await serveFetch((req) => api.fetch(req), { port, host: values.host! });
  log(`Temporal: ${temporal.address} (${temporal.mode}), task queue '${temporal.taskQueue}'${temporal.mode === 'embedded' ? ', the local service runs the worker' : ', workers run elsewhere'}`);
  if (httpUrl) log(`Temporal HTTP API (for the Deno entry: TEMPORAL_HTTP_URL): ${httpUrl}`);
  if (noAuth) log('WARNING: --no-auth: every local process may use this API');
  log(`remote-trigger API listening on ${server.url}`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  await runtime.close();
  await emulator?.stop();
  return 0;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
