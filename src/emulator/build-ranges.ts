/**
 * The build lists of a job's `api/json` as a `tree` query selects them (docs/jenkins.md §8.4):
 * `builds` is the newest 100, `allBuilds` every build, and a range `{M,N}`, `{N}`, `{M,}` or
 * `{,N}` after the brackets picks entries [M, N) of the list. Other tree fields are not filtered
 * (the emulator answers with everything, as depth 0 would).
 */
export interface BuildListSelection {
  key: 'builds' | 'allBuilds';
  from: number;
  to: number;
}

export function buildListSelection(tree: string | undefined): BuildListSelection {
  const open = tree ? /\b(allBuilds|builds)\[/.exec(tree) : null;
  if (!tree || !open) return { key: 'builds', from: 0, to: Number.MAX_SAFE_INTEGER };
  const key = open[1] as BuildListSelection['key'];
  // Skip the bracketed field list (it nests), then read an optional range.
  let i = open.index + open[0].length;
  for (let depth = 1; i < tree.length && depth > 0; i++) depth += tree[i] === '[' ? 1 : tree[i] === ']' ? -1 : 0;
  const range = /^\{(\d*)(,?)(\d*)\}/.exec(tree.slice(i));
  if (!range) return { key, from: 0, to: Number.MAX_SAFE_INTEGER };
  const [, a, comma, b] = range;
  if (!comma) return { key, from: Number(a), to: Number(a) + 1 }; // {N}: the single entry N
  return { key, from: a === '' ? 0 : Number(a), to: b === '' ? Number.MAX_SAFE_INTEGER : Number(b) };
}

/** Applies the selection to a job's builds, newest first. */
export function selectBuilds<T>(builds: readonly T[], sel: BuildListSelection): T[] {
  const list = sel.key === 'builds' ? builds.slice(0, 100) : builds;
  return list.slice(sel.from, sel.to);
}
