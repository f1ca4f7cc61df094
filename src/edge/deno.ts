// The Deno entry: `deno run -A src/edge/deno.ts` (deno.json turns on sloppy imports, which
// resolve this repository's `.js` import specifiers to the `.ts` sources; `deno run -A
// dist/edge/deno.js` runs the compiled files without it). Configuration from the environment:
// PORT, HOSTNAME, TEMPORAL_HTTP_URL, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// REMOTE_TRIGGER_API_TOKENS, REMOTE_TRIGGER_CONFIG or REMOTE_TRIGGER_CONFIG_YAML,
// REMOTE_TRIGGER_BASE_PATH (a prefix in front of /v1), REMOTE_TRIGGER_TASK_QUEUE.
import { createTriggerApi } from './api.js';
import { apiSettingsFromEnv } from './settings.js';
import { temporalHttpBackend } from './temporal-http.js';

declare const Deno: {
  env: { get(name: string): string | undefined };
  readTextFile(path: string): Promise<string>;
  serve(
    opts: { port: number; hostname?: string; onListen?: (addr: { hostname: string; port: number }) => void },
    handler: (req: Request) => Response | Promise<Response>,
  ): { finished: Promise<void> };
  exit(code: number): never;
};

try {
  const s = await apiSettingsFromEnv((n) => Deno.env.get(n), (p) => Deno.readTextFile(p));
  if (s.tokens.length === 0) {
    console.error('remote-trigger API: no token configured (REMOTE_TRIGGER_API_TOKENS or api.tokens); refusing to start');
    Deno.exit(2);
  }
  const api = createTriggerApi({
    backend: temporalHttpBackend({ url: s.temporal.url, namespace: s.temporal.namespace, apiKey: s.temporal.apiKey }),
    config: s.config,
    tokens: s.tokens,
    taskQueue: s.taskQueue,
    basePath: Deno.env.get('REMOTE_TRIGGER_BASE_PATH'),
  });
  Deno.serve(
    {
      port: Number(Deno.env.get('PORT') ?? 8787),
      hostname: Deno.env.get('HOSTNAME') ?? '127.0.0.1',
      onListen: ({ hostname, port }) => console.log(`remote-trigger API listening on http://${hostname}:${port}`),
    },
    (req) => api.fetch(req),
  );
} catch (e) {
  console.error(`remote-trigger API: ${(e as Error).message}`);
  Deno.exit(2);
}
