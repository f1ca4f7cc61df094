import { SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTE_NAMES, type SearchAttributeName } from './workflows/search-attributes.js';

export { SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTE_NAMES, type SearchAttributeName } from './workflows/search-attributes.js';

/** The operator service of a Client connection or a NativeConnection (both have one). */
export interface OperatorServiceLike {
  listSearchAttributes(req: { namespace: string }): Promise<{ customAttributes?: Record<string, unknown> | null }>;
  addSearchAttributes(req: { namespace: string; searchAttributes: Record<string, number> }): Promise<unknown>;
}

export interface SearchAttributeCheck {
  /** Registered with the type the workflow upserts: these are upserted. */
  present: SearchAttributeName[];
  missing: SearchAttributeName[];
  /** Registered under another type: never upserted (the upsert would fail the workflow task). */
  wrongType: SearchAttributeName[];
}

/** temporal.api.enums.v1.IndexedValueType: KEYWORD = 2, INT = 3. */
function indexedType(name: SearchAttributeName): number {
  return SEARCH_ATTRIBUTES[name].type === 'INT' ? 3 : 2;
}

/** Which of the trigger's search attributes the namespace has (docs/design.md §3.8). */
export async function checkSearchAttributes(operator: OperatorServiceLike, namespace: string): Promise<SearchAttributeCheck> {
  const res = await operator.listSearchAttributes({ namespace });
  const custom = (res.customAttributes ?? {}) as Record<string, unknown>;
  const out: SearchAttributeCheck = { present: [], missing: [], wrongType: [] };
  for (const name of SEARCH_ATTRIBUTE_NAMES) {
    if (!(name in custom)) out.missing.push(name);
    else if (!sameType(custom[name], name)) out.wrongType.push(name);
    else out.present.push(name);
  }
  return out;
}

/** Registers the missing attributes; idempotent. Returns what it added and what was there. */
export async function registerSearchAttributes(operator: OperatorServiceLike, namespace: string): Promise<SearchAttributeCheck & { added: SearchAttributeName[] }> {
  const before = await checkSearchAttributes(operator, namespace);
  if (before.missing.length > 0) {
    const searchAttributes: Record<string, number> = {};
    for (const name of before.missing) searchAttributes[name] = indexedType(name);
    try {
      await operator.addSearchAttributes({ namespace, searchAttributes });
    } catch (e) {
      // Another `setup` may have added them meanwhile: what counts is what exists now.
      if (!/already exists/i.test((e as Error).message)) throw e;
    }
  }
  const after = await checkSearchAttributes(operator, namespace);
  return { ...after, added: before.missing.filter((n) => after.present.includes(n)) };
}

/** `temporal server start-dev` flags that register the attributes at start. */
export function devServerSearchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=${typeLabel(name)}`]);
}

/** Temporal Cloud namespaces are managed with tcld (the operator service does not add attributes there). */
export function tcldCommand(namespace: string): string {
  const flags = SEARCH_ATTRIBUTE_NAMES.map((name) => `--search-attribute "${name}=${typeLabel(name)}"`).join(' ');
  return `tcld namespace search-attributes add --namespace ${namespace} ${flags}`;
}

export function isTemporalCloud(address: string): boolean {
  return /\.tmprl\.cloud(:\d+)?$|(^|\.)api\.temporal\.io(:\d+)?$/i.test(address);
}

function sameType(registered: unknown, name: SearchAttributeName): boolean {
  if (typeof registered === 'string') return registered === `INDEXED_VALUE_TYPE_${SEARCH_ATTRIBUTES[name].type}`;
  return Number(registered) === indexedType(name);
}

function typeLabel(name: SearchAttributeName): string {
  return SEARCH_ATTRIBUTES[name].type === 'INT' ? 'Int' : 'Keyword';
}
