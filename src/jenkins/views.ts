// Pure mappings from validated Jenkins JSON to the client's views. Every URL Jenkins returns is
// re-based onto our root, because Jenkins builds them from its own idea of its address.
import type { z } from 'zod';
import type { buildListSchema, buildSchema, jobSchema, ParametersActionList, queueItemSchema, queueListSchema } from './schemas.js';
import type {
  BuildResult,
  JobBuildEntry,
  BuildView,
  JobInfo,
  ParameterDefinition,
  QueueItemView,
  QueueListItem,
} from './types.js';
import { rebaseOnRoot } from './urls.js';
import { isRemoteResult } from '../contract/results.js';

export function toJobInfo(job: z.infer<typeof jobSchema>, root: string): JobInfo {
  // Parameterized = some action or property has non-null parameterDefinitions (docs/jenkins.md §6);
  // {} entries must not count (JENKINS-30810).
  const holders = [...(job.actions ?? []), ...(job.property ?? [])].filter(
    (h) => h !== null && Array.isArray(h.parameterDefinitions),
  );
  const definitions = new Map<string, ParameterDefinition>();
  for (const holder of holders) {
    for (const d of holder?.parameterDefinitions ?? []) {
      // Older Jenkins repeated the definitions under actions and property: keep the first.
      if (definitions.has(d.name)) continue;
      const def: ParameterDefinition = { name: d.name, type: d.type ?? 'unknown' };
      const value = d.defaultParameterValue?.value;
      if (value !== undefined) def.defaultValue = typeof value === 'number' ? String(value) : value;
      if (d.choices) def.choices = d.choices;
      definitions.set(d.name, def);
    }
  }
  return {
    name: job.name,
    fullName: job.fullName ?? job.name,
    displayName: job.displayName ?? job.name,
    fullDisplayName: job.fullDisplayName ?? job.fullName ?? job.name,
    url: rebaseOnRoot(job.url, root),
    // Folders and multibranch parents do not export `buildable`; let the trigger POST decide.
    buildable: job.buildable ?? true,
    parameterized: holders.length > 0,
    parameterDefinitions: [...definitions.values()],
  };
}

export function toQueueItemView(item: z.infer<typeof queueItemSchema>, root: string): QueueItemView {
  const view: QueueItemView = { id: item.id, state: 'waiting', why: item.why ?? null, stuck: item.stuck ?? false };
  // With a tree query Stapler writes only properties that exist, so `cancelled` marks a LeftItem
  // even on Jenkins versions that do not write _class.
  const left = item._class?.endsWith('$LeftItem') || item.cancelled !== undefined;
  const exe = item.executable;
  if (item.cancelled === true) view.state = 'cancelled';
  else if (exe && exe.number !== undefined && exe.url !== undefined) {
    view.state = 'executable';
    view.executable = { number: exe.number, url: rebaseOnRoot(exe.url, root) };
  } else if (left) view.state = 'left-starting'; // left the queue, executable not created yet: keep polling
  else if (item.pending === true) view.state = 'pending';
  else if (item.buildable === true) view.state = 'buildable';
  else if (item.blocked === true) view.state = 'blocked';
  if (view.state === 'waiting' && typeof item.timestamp === 'number' && item.timestamp > 0) view.dueAt = item.timestamp;
  return view;
}

export function toBuildView(build: z.infer<typeof buildSchema>, root: string): BuildView {
  return {
    number: build.number,
    url: rebaseOnRoot(build.url, root),
    building: build.building,
    inProgress: build.inProgress ?? null,
    result: toResult(build.result),
    durationMs: build.duration ?? 0,
    queueId: build.queueId ?? null,
    timestamp: build.timestamp ?? 0,
    ...(build.estimatedDuration !== undefined && build.estimatedDuration > 0 ? { estimatedDurationMs: build.estimatedDuration } : {}),
  };
}

export function toJobBuildEntries(list: z.infer<typeof buildListSchema>, root: string): JobBuildEntry[] {
  return (list.builds ?? []).map((b) => ({
    number: b.number,
    url: rebaseOnRoot(b.url, root),
    queueId: b.queueId ?? null,
    timestamp: b.timestamp ?? 0,
    building: b.building ?? false,
    result: b.result ?? null,
    parameters: parametersOf(b.actions),
  }));
}

export function toQueueListItems(list: z.infer<typeof queueListSchema>, root: string): QueueListItem[] {
  return list.items.map((item) => ({
    id: item.id,
    jobUrl: item.task?.url ? rebaseOnRoot(item.task.url, root) : null,
    params: hasParametersAction(item.actions) ? parametersOf(item.actions) : parseParamsString(item.params),
    inQueueSince: item.inQueueSince ?? 0,
    why: item.why ?? null,
  }));
}

/**
 * null stays null (not final yet: the plugin read it as FAILURE, quirk 4). An unknown name maps
 * to FAILURE, which is how Jenkins itself parses a result it does not know.
 */
function toResult(result: string | null | undefined): BuildResult | null {
  if (result === null || result === undefined) return null;
  return isRemoteResult(result) ? result : 'FAILURE';
}

function hasParametersAction(actions: ParametersActionList): boolean {
  return (actions ?? []).some((a) => Array.isArray(a?.parameters));
}

/** Values as strings (booleans become 'true'/'false'); password/file values, which have none, are left out. */
function parametersOf(actions: ParametersActionList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const action of actions ?? []) {
    for (const p of action?.parameters ?? []) {
      if (p.value === undefined || p.value === null) continue;
      out[p.name] = typeof p.value === 'string' ? p.value : JSON.stringify(p.value);
    }
  }
  return out;
}

/** The queue's `params` string: '\nNAME=value' per parameter. Ambiguous for values with newlines. */
function parseParamsString(params: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (params ?? '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
