import { loadConfig } from './options/config.js';
import { resolveTemporal, temporalMode } from './temporal/connect.js';
import { stateDir } from './temporal/state-dir.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, openRuntime, UsageError } from './cli.js';
import { listTriggersWith, type TriggerSummary } from './list.js';
import { isTemporalCloud, registerSearchAttributes, tcldCommand, type OperatorServiceLike } from './search-attributes.js';
import type { BuildStatus } from './workflows/state.js';

/** `remote-trigger list`: triggers from Temporal's visibility store, the newest first (README, "Finding triggers"). */
export async function listCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    job: { type: 'string' },
    status: { type: 'string' },
    result: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    config: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!/^\d+$/.test(values.limit) || limit < 1) throw new UsageError(`--limit must be a positive integer (got '${values.limit}')`, 'limit');
  }
  const runtime = await openRuntime(await loadConfig(values.config), true, false);
  try {
    const rows = await listTriggersWith(runtime.client, {
      job: values.job,
      status: values.status as BuildStatus | undefined,
      result: values.result,
      since: values.since,
      limit,
    });
    if (values.json) process.stdout.write(`${JSON.stringify({ triggers: rows, error: null })}\n`);
    else process.stdout.write(formatTable(rows));
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

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

/**
 * `remote-trigger setup`: registers the trigger's search attributes through the operator
 * service (idempotent); for Temporal Cloud prints the tcld command instead (docs/design.md §3.8).
 */
export async function setupCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, config: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } });
  const loaded = await loadConfig(values.config);
  if (temporalMode(loaded.config) === 'external') {
    // Temporal Cloud: nothing to connect to for this, the attributes are added with tcld.
    const { address, namespace } = await resolveTemporal(loaded.config, stateDir(process.env, loaded.config.stateDir));
    if (isTemporalCloud(address)) {
      const command = tcldCommand(namespace);
      if (values.json) process.stdout.write(`${JSON.stringify({ namespace, cloud: true, command, added: [], present: [], error: null })}\n`);
      else process.stdout.write(`Temporal Cloud: search attributes are added with tcld:\n${command}\n`);
      return EXIT.ok;
    }
  }
  const runtime = await openRuntime(loaded, true, false);
  try {
    const { address, namespace } = runtime.temporal;
    const r = await registerSearchAttributes(runtime.client.connection.operatorService as unknown as OperatorServiceLike, namespace);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ namespace, cloud: false, added: r.added, present: r.present, wrongType: r.wrongType, error: null })}\n`);
    } else {
      process.stdout.write(
        `namespace ${namespace} on ${address}: ${r.added.length ? `added ${r.added.join(', ')}` : 'nothing to add'}; registered: ${r.present.join(', ') || 'none'}\n`,
      );
      if (r.wrongType.length) process.stdout.write(`registered with another type (not set by triggers): ${r.wrongType.join(', ')}\n`);
      if (r.added.length) process.stdout.write('restart running workers so that they set the new attributes\n');
    }
    return r.wrongType.length ? EXIT.invalid : EXIT.ok;
  } finally {
    await runtime.close();
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message, 'argv');
  }
}
