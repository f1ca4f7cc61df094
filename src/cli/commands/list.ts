import { listTriggersWith, type TriggerSummary } from '../../list.js';
import type { BuildStatus } from '../../contract/results.js';
import { defineCommand, withRuntime } from '../command.js';
import { CONFIG, JSON_OUTPUT, QUIET, UsageError } from '../flags.js';
import { EXIT, printJson } from '../output.js';

/** `remote-trigger list`: triggers from Temporal's visibility store, the newest first (README, "Finding triggers"). */
export const listCommand = defineCommand({
  name: 'list',
  summary: 'triggers, the newest first',
  details: "Read from Temporal's visibility store (the trigger's search attributes): no worker needed.",
  flags: {
    job: { type: 'string', value: 'NAME', help: "the job's full name, e.g. folder/job" },
    status: { type: 'string', value: 'S', help: 'NOT_TRIGGERED, QUEUED, RUNNING or FINISHED' },
    result: { type: 'string', value: 'R', help: 'a Jenkins result such as SUCCESS or FAILURE' },
    since: { type: 'string', value: 'DURATION', help: 'started within this long: a number with s, m, h or d (90m, 2d)' },
    limit: { type: 'string', value: 'N', fallback: '50', help: 'at most this many' },
    json: JSON_OUTPUT,
    config: CONFIG,
    quiet: QUIET,
  },
  examples: ['remote-trigger list --job team/deploy --status RUNNING', 'remote-trigger list --result FAILURE --since 2d --json'],
  async run({ values }) {
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!/^\d+$/.test(values.limit) || limit < 1) throw new UsageError(`--limit must be a positive integer (got '${values.limit}')`, 'limit');
    }
    return withRuntime({ config: values.config, quiet: true }, async (runtime) => {
      const rows = await listTriggersWith(runtime.client, {
        job: values.job,
        status: values.status as BuildStatus | undefined,
        result: values.result,
        since: values.since,
        limit,
      });
      if (values.json) printJson({ triggers: rows, error: null });
      else process.stdout.write(formatTable(rows));
      return EXIT.ok;
    });
  },
});

function formatTable(rows: TriggerSummary[], now = Date.now()): string {
  const table = [['ID', 'JOB', 'BUILD', 'STATUS', 'RESULT', 'AGE']];
  for (const r of rows) {
    table.push([
      r.id,
      r.job ?? '-',
      r.buildNumber !== null ? `#${r.buildNumber}` : '-',
      r.status ?? (r.workflowStatus === 'RUNNING' ? '-' : r.workflowStatus),
      r.status === 'FINISHED' ? (r.result ?? '-') : '-',
      age(now - Date.parse(r.startTime)),
    ]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
