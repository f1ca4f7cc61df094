/**
 * Records the golden histories that test/replay replays: one per path through the workflow.
 * Only paths that have no file yet are recorded: an existing golden file is never overwritten.
 * Run it after a deliberate, versioned workflow change (see docs/design.md §14, "Changing
 * workflow code safely"), never to make a failing replay test pass:
 *
 *   node --import tsx scripts/record-golden-histories.ts [--only NAME ...]
 *
 * It records only the paths that have no golden file yet (or, with --only, just the named
 * ones): existing files are kept, because they stand for triggers recorded with older code
 * that may still be running.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { requireTemporalCli } from '../test/support/temporal.js';
import { Harness } from '../test/support/harness.js';
import { eventually } from '../test/support/wait.js';
import { GOLDEN_SCENARIO, GOLDEN_PATHS } from '../test/replay/paths.js';
import { RemoteJobHandle } from '../src/handle.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'golden');
// A webhook receiver for the paths with a completion webhook.
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(204).end());
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
process.env.GOLDEN_WEBHOOK_SECRET = 'golden-webhook-secret';

// --only NAME records just those paths; without it every path that has no file yet.
const only = process.argv.flatMap((a, i, all) => (all[i - 1] === '--only' ? [a] : []));
const paths = GOLDEN_PATHS.filter((p) => (only.length === 0 ? !existsSync(path.join(dir, `${p.name}.json`)) : only.includes(p.name)));
try {
  // Paths that need registered search attributes run on a dev server that has them.
  for (const withSearchAttributes of [false, true]) {
    const group = paths.filter((p) => (p.searchAttributes ?? false) === withSearchAttributes);
    if (group.length > 0) await record(group, withSearchAttributes);
  }
} finally {
  receiver.close();
}

async function record(group: typeof GOLDEN_PATHS, searchAttributes: boolean): Promise<void> {
  const h = await Harness.start({
    scenario: GOLDEN_SCENARIO,
    searchAttributes,
    config: () => ({ notifyOrigins: [receiverUrl], secretEnvAllow: ['GOLDEN_WEBHOOK_SECRET'] }),
  });
  try {
    for (const p of group) {
      await p.prepare?.(h);
      const id = `golden-${p.name}`;
      const options = p.webhook && p.options ? { ...p.options, notify: { url: `${receiverUrl}/hook`, secret: { env: 'GOLDEN_WEBHOOK_SECRET' } } } : p.options;
      const handle = p.start ? (await p.start(h, id), new RemoteJobHandle(h.client, id)) : await h.start(options ?? { job: 'plain' }, id);
      await p.drive?.(handle, h, eventually);
      await h.client.workflow
        .getHandle(handle.workflowId)
        .result()
        .catch(() => undefined);
      let recorded = handle.workflowId;
      if (p.deliveryWorkflow) {
        recorded = `${handle.workflowId}:notify`;
        await eventually(async () => (await h.client.workflow.getHandle(recorded).describe()).status.name === 'COMPLETED', 'the delivery workflow to complete');
      }
      // The CLI's JSON is the format `temporal workflow show` and the UI export produce.
      const json = execFileSync(requireTemporalCli(), ['workflow', 'show', '--workflow-id', recorded, '--address', h.env.address, '--output', 'json'], { encoding: 'utf8' });
      await writeFile(path.join(dir, `${p.name}.json`), json.endsWith('\n') ? json : `${json}\n`);
      console.log(`${p.name}: ${(JSON.parse(json) as { events: unknown[] }).events.length} events`);
    }
  } finally {
    await h.teardown();
  }
}
