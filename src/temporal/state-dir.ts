import os from 'node:os';
import path from 'node:path';

/** Per-user state directory of the embedded mode (dev server database, console files). */
export function stateDir(env: NodeJS.ProcessEnv = process.env, configured?: string): string {
  if (env.REMOTE_TRIGGER_STATE_DIR) return path.resolve(env.REMOTE_TRIGGER_STATE_DIR);
  if (configured) return path.resolve(configured);
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'remote-trigger');
}
