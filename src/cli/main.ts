import { main } from './index.js';

// The process entry of `remote-trigger` (bin/remote-trigger.mjs). Exit explicitly: the Temporal
// connections and workers are closed, but the process should not wait for stray timers.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(3);
  },
);
