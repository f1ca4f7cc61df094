// What the worker's shared poller reads for many triggers at once (docs/jenkins.md §8.3, §8.4):
// a page of a job's builds with their completion fields, and the queue's waiting items with their
// states. Pure schemas and mappings; the requests are JenkinsClient.listBuildPage/listQueueStates.
import { z } from 'zod';
import { buildSchema, queueItemSchema } from './schemas.js';
import type { BuildView, QueueItemView } from './types.js';
import { toBuildView, toQueueItemView } from './views.js';
import { rebaseOnRoot } from './urls.js';

/** The fields of each build in a page: those of a single build's poll (§9). */
export const BUILD_PAGE_FIELDS = 'number,url,building,inProgress,result,duration,queueId,timestamp,estimatedDuration';
/** `builds` holds the newest 100 only; pages beyond it read `allBuilds` (§8.4). */
export const BUILDS_CAP = 100;
export const QUEUE_STATES_TREE = 'items[id,why,stuck,blocked,buildable,pending,timestamp,task[url]]';

export const buildPageSchema = z.looseObject({
  builds: z.array(buildSchema).nullable().optional(),
  allBuilds: z.array(buildSchema).nullable().optional(),
});

export const queueStatesSchema = z.looseObject({
  items: z.array(queueItemSchema.extend({ task: z.looseObject({ url: z.string().optional() }).nullable().optional() })),
});

/** The tree of builds [from, to) of a job, newest first. */
export function buildPageTree(from: number, to: number): string {
  const key = to <= BUILDS_CAP ? 'builds' : 'allBuilds';
  return `${key}[${BUILD_PAGE_FIELDS}]{${from},${to}}`;
}

export function toBuildPage(page: z.infer<typeof buildPageSchema>, root: string): BuildView[] {
  return (page.builds ?? page.allBuilds ?? []).map((b) => toBuildView(b, root));
}

export interface QueueState extends QueueItemView {
  /** The item's job, re-based onto the root; null for tasks without a URL (pipeline node{} blocks). */
  jobUrl: string | null;
}

export function toQueueStates(list: z.infer<typeof queueStatesSchema>, root: string): QueueState[] {
  return list.items.map((item) => ({ ...toQueueItemView(item, root), jobUrl: item.task?.url ? rebaseOnRoot(item.task.url, root) : null }));
}
