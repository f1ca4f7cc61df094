import { apiContract } from './contract.js';
import { DENO, startApiProcess } from '../support/processes.js';

// The Deno entry, unchanged from what a user runs: `deno run -A src/edge/deno.ts`, configured
// by environment variables, talking to Temporal through its HTTP API only. It runs under a path
// prefix, as a Supabase Edge Function named `trigger` would (/trigger/v1/...).
apiContract('Deno entry (src/edge/deno.ts) on the HTTP API backend', async (ctx) => {
  const p = await startApiProcess(DENO, ['run', '-A', 'src/edge/deno.ts'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DENO_NO_UPDATE_CHECK: '1',
    PORT: '0',
    TEMPORAL_HTTP_URL: `http://127.0.0.1:${ctx.httpPort}`,
    TEMPORAL_NAMESPACE: 'default',
    // The configuration as text (a function's secret or variable), not a file.
    REMOTE_TRIGGER_CONFIG_YAML: ctx.configYaml,
    REMOTE_TRIGGER_BASE_PATH: '/trigger',
    ...ctx.env,
  });
  return { ...p, url: `${p.url}/trigger` };
});
