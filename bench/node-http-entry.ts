/**
 * The edge handler on Node with the HTTP API backend: the Node twin of src/edge/deno.ts (same
 * environment variables), so the bench compares runtimes with the same backend. Not a product
 * entry point: `remote-trigger serve` is (gRPC backend).
 */
import { readFile } from 'node:fs/promises';
import { serveFetch } from '../src/api/node-server.js';
import { createTriggerApi } from '../src/edge/api.js';
import { apiSettingsFromEnv } from '../src/edge/settings.js';
import { temporalHttpBackend } from '../src/edge/temporal-http.js';

const s = await apiSettingsFromEnv((n) => process.env[n], (p) => readFile(p, 'utf8'));
const api = createTriggerApi({
  backend: temporalHttpBackend({ url: s.temporal.url, namespace: s.temporal.namespace, apiKey: s.temporal.apiKey }),
  config: s.config,
  tokens: s.tokens,
  taskQueue: s.taskQueue,
});
const server = await serveFetch((req) => api.fetch(req), { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`remote-trigger API listening on ${server.url}`);
