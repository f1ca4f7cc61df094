import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { TriggerState } from './state.js';

/**
 * The search attributes of a trigger (docs/design.md §3.8). Pure: the workflow imports it, and
 * so do the worker's start-up check, `remote-trigger setup` and `listTriggers`.
 */
export const SEARCH_ATTRIBUTES = {
  RemoteJob: defineSearchAttributeKey('RemoteJob', SearchAttributeType.KEYWORD),
  RemoteJobUrl: defineSearchAttributeKey('RemoteJobUrl', SearchAttributeType.KEYWORD),
  RemoteHost: defineSearchAttributeKey('RemoteHost', SearchAttributeType.KEYWORD),
  RemoteBuildStatus: defineSearchAttributeKey('RemoteBuildStatus', SearchAttributeType.KEYWORD),
  RemoteBuildResult: defineSearchAttributeKey('RemoteBuildResult', SearchAttributeType.KEYWORD),
  RemoteBuildNumber: defineSearchAttributeKey('RemoteBuildNumber', SearchAttributeType.INT),
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;
export const SEARCH_ATTRIBUTE_NAMES = Object.keys(SEARCH_ATTRIBUTES) as SearchAttributeName[];

/** The patch id that guards the upserts, so histories recorded before them replay unchanged. */
export const SEARCH_ATTRIBUTES_PATCH = 'remote-trigger-search-attributes';

/** The attribute values a state stands for (no secret: names, URLs without credentials, numbers). */
export function searchAttributeValues(st: TriggerState, hostName: string | null): Record<SearchAttributeName, string | number | null> {
  return {
    RemoteJob: st.jobFullName,
    RemoteJobUrl: st.jobUrl,
    RemoteHost: hostName ?? originOf(st.root),
    RemoteBuildStatus: st.status,
    RemoteBuildResult: st.result,
    RemoteBuildNumber: st.buildNumber,
  };
}

/**
 * The updates that bring the upserted attributes from `last` to `st`, limited to `allowed` (the
 * attributes the worker found registered, as recorded in history). Mutates `last`.
 */
export function searchAttributeUpdates(
  st: TriggerState,
  hostName: string | null,
  allowed: readonly string[],
  last: Partial<Record<SearchAttributeName, string | number | null>>,
): SearchAttributeUpdatePair[] {
  const next = searchAttributeValues(st, hostName);
  const out: SearchAttributeUpdatePair[] = [];
  for (const name of SEARCH_ATTRIBUTE_NAMES) {
    const value = next[name];
    if (!allowed.includes(name) || value === null || last[name] === value) continue;
    last[name] = value;
    out.push({ key: SEARCH_ATTRIBUTES[name], value } as SearchAttributeUpdatePair);
  }
  return out;
}

function originOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(url);
  return m ? m[1]! : url;
}
