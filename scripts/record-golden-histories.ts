/**
 * Records the golden histories that test/replay replays: one per path through the workflow.
 * Run it after a deliberate, versioned workflow change (see docs/design.md §14, "Changing
 * workflow code safely"), never to make a failing replay test pass:
 *
 *   node --import tsx scripts/record-golden-histories.ts [--only NAME ...]
 *
 * With --only, only the named paths are recorded (a new path), and the other files stay as
 * they are.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { requireTemporalCli } from '../test/helpers/temporal.js';
import { Harness, eventually } from '../test/helpers/harness.js';
import { GOLDEN_SCENARIO, GOLDEN_PATHS } from '../test/replay/paths.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'golden');
const only = process.argv.flatMap((a, i, all) => (all[i - 1] === '--only' ? [a] : []));
const paths = GOLDEN_PATHS.filter((p) => only.length === 0 || only.includes(p.name));
for (const withSearchAttributes of [false, true]) {
  const group = paths.filter((p) => (p.searchAttributes ?? false) === withSearchAttributes);
  if (group.length > 0) await record(group, withSearchAttributes);
}

async function record(group: typeof GOLDEN_PATHS, searchAttributes: boolean): Promise<void> {
const h = await Harness.start({ scenario: GOLDEN_SCENARIO, searchAttributes });
try {
  for (const p of group) {
    await p.prepare?.(h);
    const handle = await h.start(p.options, `golden-${p.name}`);
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
}
