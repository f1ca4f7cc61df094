import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OptionsError } from './errors.js';
import { emptyConfig, parseConfig, type Config } from './config-schema.js';

export * from './config-schema.js';

/** Finds and reads the configuration: explicit path, $REMOTE_TRIGGER_CONFIG, ./temporal.yaml, or none. */
export async function loadConfig(explicitPath?: string, cwd = process.cwd()): Promise<{ config: Config; path: string | null }> {
  const candidate = explicitPath ?? process.env.REMOTE_TRIGGER_CONFIG ?? path.join(cwd, 'temporal.yaml');
  const required = Boolean(explicitPath ?? process.env.REMOTE_TRIGGER_CONFIG);
  if (!existsSync(candidate)) {
    if (required) throw new OptionsError(`configuration file not found: ${candidate}`, 'config');
    return { config: emptyConfig(), path: null };
  }
  const text = await readFile(candidate, 'utf8');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new OptionsError(`${candidate}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'config');
  }
  return { config: parseConfig(data, path.basename(candidate)), path: candidate };
}
