/**
 * Records the golden histories that test/replay replays: one per path through the workflow.
 * Only paths that have no file yet are recorded: an existing golden file is never overwritten.
 * Run it after a deliberate, versioned workflow change (see docs/design.md §14, "Changing
 * workflow code safely"), never to make a failing replay test pass:
 *
 *   node --import tsx scripts/record-golden-histories.ts
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { requireTemporalCli } from '../test/helpers/temporal.js';
import { Harness, eventually } from '../test/helpers/harness.js';
import { GOLDEN_SCENARIO, GOLDEN_PATHS } from '../test/replay/paths.js';
import { RemoteJobHandle } from '../src/handle.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'golden');
const h = await Harness.start({ scenario: GOLDEN_SCENARIO });
try {
  for (const p of GOLDEN_PATHS) {
    if (existsSync(path.join(dir, `${p.name}.json`))) continue;
    await p.prepare?.(h);
    const id = `golden-${p.name}`;
    const handle = p.start ? (await p.start(h, id), new RemoteJobHandle(h.client, id)) : await h.start(p.options ?? { job: 'plain' }, id);
    await p.drive?.(handle, h, eventually);
    await h.client.workflow
      .getHandle(handle.workflowId)
      .result()
      .catch(() => undefined);
    // The CLI's JSON is the format `temporal workflow show` and the UI export produce.
    const json = execFileSync(requireTemporalCli(), ['workflow', 'show', '--workflow-id', handle.workflowId, '--address', h.env.address, '--output', 'json'], { encoding: 'utf8' });
    await writeFile(path.join(dir, `${p.name}.json`), json.endsWith('\n') ? json : `${json}\n`);
    console.log(`${p.name}: ${(JSON.parse(json) as { events: unknown[] }).events.length} events`);
  }
} finally {
  await h.teardown();
}
