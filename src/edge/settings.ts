import { parse as parseYaml } from 'yaml';
import { type Config, parseConfig } from '../options/config-schema.js';
import { OptionsError } from '../options/errors.js';
import type { ApiToken } from './access.js';

/**
 * The API's settings from environment variables, for entry points on any runtime: the
 * runtime's own way to read a variable and a file is passed in.
 *   TEMPORAL_HTTP_URL, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY: Temporal's HTTP API
 *   REMOTE_TRIGGER_API_TOKENS: comma-separated tokens (unrestricted)
 *   REMOTE_TRIGGER_CONFIG (a path) or REMOTE_TRIGGER_CONFIG_YAML (the text): temporal.yaml,
 *     for remoteHosts, api.tokens, api.allowOrigins, notifyOrigins
 *   REMOTE_TRIGGER_TASK_QUEUE: overrides temporal.taskQueue
 */
export interface ApiSettings {
  config: Config;
  tokens: ApiToken[];
  taskQueue: string;
  temporal: { url: string; namespace: string; apiKey?: string };
}

export type EnvReader = (name: string) => string | undefined;

export async function apiSettingsFromEnv(env: EnvReader, readTextFile: (path: string) => Promise<string>): Promise<ApiSettings> {
  const config = await configFromEnv(env, readTextFile);
  const tokens = await resolveTokens(config, env, readTextFile);
  const url = env('TEMPORAL_HTTP_URL');
  if (!url) throw new OptionsError('TEMPORAL_HTTP_URL is not set (the URL of Temporal\'s HTTP API, e.g. http://127.0.0.1:7243)', 'TEMPORAL_HTTP_URL');
  return {
    config,
    tokens,
    taskQueue: env('REMOTE_TRIGGER_TASK_QUEUE') || config.temporal.taskQueue,
    temporal: { url, namespace: env('TEMPORAL_NAMESPACE') || config.temporal.namespace, apiKey: env('TEMPORAL_API_KEY') || undefined },
  };
}

export async function configFromEnv(env: EnvReader, readTextFile: (path: string) => Promise<string>): Promise<Config> {
  const text = env('REMOTE_TRIGGER_CONFIG_YAML');
  const path = env('REMOTE_TRIGGER_CONFIG');
  if (text !== undefined && text !== '') return configFromYaml(text, 'REMOTE_TRIGGER_CONFIG_YAML');
  if (path) {
    let t: string;
    try {
      t = await readTextFile(path);
    } catch (e) {
      throw new OptionsError(`configuration file not readable: ${path}: ${(e as Error).name}`, 'config');
    }
    return configFromYaml(t, path);
  }
  return parseConfig({});
}

export function configFromYaml(text: string, source: string): Config {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new OptionsError(`${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'config');
  }
  return parseConfig(data, source);
}

/** REMOTE_TRIGGER_API_TOKENS (unrestricted) and api.tokens of the configuration (by env var or file). */
export async function resolveTokens(config: Config, env: EnvReader, readTextFile: (path: string) => Promise<string>): Promise<ApiToken[]> {
  const out: ApiToken[] = (env('REMOTE_TRIGGER_API_TOKENS') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((token) => ({ token }));
  for (const [i, ref] of config.api.tokens.entries()) {
    let token: string | undefined;
    if (ref.env) token = env(ref.env);
    else {
      try {
        token = (await readTextFile(ref.file!)).trim();
      } catch {
        token = undefined;
      }
    }
    // A token that is not there is an error: a server that silently accepted fewer callers
    // than configured would be hard to diagnose; one that starts with an empty token, worse.
    if (!token) throw new OptionsError(`api.tokens[${i}]: ${ref.env ? `environment variable ${ref.env} is not set` : `file ${ref.file} is empty or not readable`}`, `api.tokens[${i}]`);
    out.push({ token, remoteHosts: ref.remoteHosts, jobs: ref.jobs });
  }
  return out;
}
