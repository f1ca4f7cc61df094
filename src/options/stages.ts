import { type StepOptionsInput, StepOptionsSchema } from './step-options.js';
import { checkRemoteJobOptions } from './remote-job-options.js';

/**
 * Stage files (`remote-trigger run stages.yaml`, docs/design.md §3.7): pure (no Node module, no
 * `eval`), because the CLI validates the whole file with it before anything starts, and the
 * `remoteStages` workflow checks its input and evaluates references and conditions with it.
 *
 * ```yaml
 * remoteJenkinsName: ci            # step options here are defaults for every trigger
 * failFast: false                  # default of the stages' failFast
 * stages:
 *   - name: build
 *     triggers:                    # run in parallel
 *       - { id: app, job: app/build }
 *   - name: deploy
 *     when: "build.app.result == 'SUCCESS'"    # or success() (default), failure(), always()
 *     triggers:
 *       - { id: prod, job: deploy, parameters: { APP_BUILD: '${{ build.app.buildNumber }}' } }
 * ```
 */
export interface StageTrigger extends Omit<StepOptionsInput, 'job'> {
  id: string;
  job: string;
}
export interface Stage {
  name: string;
  when?: string;
  failFast?: boolean;
  triggers: StageTrigger[];
}
export interface StagesFile {
  stages: Stage[];
  failFast?: boolean;
  [defaultOption: string]: unknown;
}

/** What a reference may read of an earlier trigger. */
export const REFERENCE_FIELDS = ['buildNumber', 'result', 'buildUrl', 'queueId', 'status'] as const;
export type ReferenceField = (typeof REFERENCE_FIELDS)[number];
export type TriggerValues = Record<ReferenceField, string | number | null>;
/** Values of the triggers that ran, by stage name and trigger id. */
export type StageValues = Record<string, Record<string, TriggerValues & { failed: boolean }>>;

export class StagesError extends Error {
  override name = 'StagesError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const TEMPLATE = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const STEP_OPTION_NAMES = new Set(Object.keys(StepOptionsSchema.shape));

/** Placeholders that pass the options' rules, used to validate strings holding references. */
const PLACEHOLDER: Record<ReferenceField, string> = { buildNumber: '1', result: 'SUCCESS', buildUrl: 'http://placeholder.invalid/job/x/1/', queueId: '1', status: 'FINISHED' };

/**
 * Checks a whole stage file; throws StagesError naming the first bad field (its path in the
 * file, e.g. `stages[1].triggers[0].pollInterval`). Returns the file with defaults kept apart.
 */
export function checkStagesFile(raw: unknown): { file: StagesFile; defaults: Record<string, unknown> } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new StagesError('a stage file is an object with a `stages:` list', '');
  const { stages, failFast, ...defaults } = raw as Record<string, unknown>;
  for (const key of Object.keys(defaults)) {
    if (key === 'job' || !STEP_OPTION_NAMES.has(key)) throw new StagesError(`unknown key (allowed at the top: stages, failFast and step options other than job as defaults)`, key);
  }
  if (failFast !== undefined && typeof failFast !== 'boolean') throw new StagesError('must be true or false', 'failFast');
  if (!Array.isArray(stages) || stages.length === 0) throw new StagesError('must be a non-empty list of stages', 'stages');
  const seen = new Map<string, Set<string>>();
  stages.forEach((stage: unknown, si) => {
    const at = `stages[${si}]`;
    if (stage === null || typeof stage !== 'object' || Array.isArray(stage)) throw new StagesError('a stage is an object with name and triggers', at);
    const s = stage as Record<string, unknown>;
    for (const key of Object.keys(s)) if (!['name', 'when', 'failFast', 'triggers'].includes(key)) throw new StagesError('unknown key (a stage has name, when, failFast, triggers)', `${at}.${key}`);
    if (typeof s.name !== 'string' || !NAME.test(s.name)) throw new StagesError('must be a name of letters, digits, _ and - (starting with a letter or _)', `${at}.name`);
    if (seen.has(s.name)) throw new StagesError(`duplicate stage name '${s.name}'`, `${at}.name`);
    if (s.failFast !== undefined && typeof s.failFast !== 'boolean') throw new StagesError('must be true or false', `${at}.failFast`);
    if (s.when !== undefined) {
      if (typeof s.when !== 'string') throw new StagesError('must be a condition string', `${at}.when`);
      try {
        checkRefs(parseCondition(s.when), seen);
      } catch (e) {
        throw new StagesError((e as Error).message, `${at}.when`);
      }
    }
    if (!Array.isArray(s.triggers) || s.triggers.length === 0) throw new StagesError('must be a non-empty list of triggers', `${at}.triggers`);
    const ids = new Set<string>();
    s.triggers.forEach((t: unknown, ti) => {
      const tat = `${at}.triggers[${ti}]`;
      if (t === null || typeof t !== 'object' || Array.isArray(t)) throw new StagesError('a trigger is an object with an id and step options', tat);
      const { id, ...options } = t as Record<string, unknown>;
      if (typeof id !== 'string' || !NAME.test(id)) throw new StagesError('must be an id of letters, digits, _ and - (starting with a letter or _)', `${tat}.id`);
      if (ids.has(id)) throw new StagesError(`duplicate trigger id '${id}' in stage '${s.name}'`, `${tat}.id`);
      ids.add(id);
      // References must name an earlier stage's trigger and a known field.
      const withPlaceholders = mapStrings(options, (text, path) =>
        text.replace(TEMPLATE, (_m, expr: string) => {
          const ref = parseReference(expr, `${tat}${path}`);
          checkRefs({ kind: 'ref', ...ref }, seen, `${tat}${path}`);
          return PLACEHOLDER[ref.field];
        }),
      );
      const checked = checkRemoteJobOptions({ ...defaults, ...(withPlaceholders as object) });
      if (!checked.ok) {
        // A bad default is named where it is written: at the top of the file.
        const top = checked.field.split(/[.[]/)[0]!;
        throw new StagesError(checked.message, top in defaults && !(top in options) ? checked.field : `${tat}${checked.field ? `.${checked.field}` : ''}`);
      }
    });
    seen.set(s.name, ids);
  });
  return { file: raw as StagesFile, defaults };
}

/** The step options of one trigger: defaults, the trigger's own options, references replaced. */
export function triggerOptions(defaults: Record<string, unknown>, trigger: StageTrigger, values: StageValues, field: string): StepOptionsInput {
  const { id: _id, ...own } = trigger;
  const resolved = mapStrings(own, (text, path) =>
    text.replace(TEMPLATE, (_m, expr: string) => {
      const ref = parseReference(expr, `${field}${path}`);
      const v = values[ref.stage]?.[ref.trigger]?.[ref.field];
      if (v === null || v === undefined) throw new StagesError(`\${{ ${expr} }} has no value: ${ref.stage}.${ref.trigger} did not run or has no ${ref.field}`, `${field}${path}`);
      return String(v);
    }),
  );
  return { ...defaults, ...(resolved as object) } as StepOptionsInput;
}

function parseReference(expr: string, field: string): { stage: string; trigger: string; field: ReferenceField } {
  const parts = expr.trim().split('.');
  if (parts.length !== 3 || !NAME.test(parts[0]!) || !NAME.test(parts[1]!) || !(REFERENCE_FIELDS as readonly string[]).includes(parts[2]!)) {
    throw new StagesError(`\${{ ${expr} }}: a reference is <stage>.<id>.<${REFERENCE_FIELDS.join('|')}>`, field);
  }
  return { stage: parts[0]!, trigger: parts[1]!, field: parts[2] as ReferenceField };
}

function mapStrings(v: unknown, f: (s: string, path: string) => string, path = ''): unknown {
  if (typeof v === 'string') return f(v, path);
  if (Array.isArray(v)) return v.map((x, i) => mapStrings(x, f, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f, `${path}.${k}`)]));
  return v;
}

// ------------------------------------------------------------------ conditions

/**
 * `when`: `success()` (default: no trigger has failed so far), `failure()` (one has), `always()`,
 * comparisons of references with literals (`build.app.result == 'SUCCESS'`, `!=`), joined with
 * `&&`, `||`, `!` and parentheses. Parsed here, evaluated by walking the tree: no `eval`.
 */
export type Condition =
  | { kind: 'fn'; name: 'success' | 'failure' | 'always' }
  | { kind: 'ref'; stage: string; trigger: string; field: ReferenceField }
  | { kind: 'lit'; value: string | number | boolean | null }
  | { kind: 'cmp'; op: '==' | '!='; left: Condition; right: Condition }
  | { kind: 'not'; arg: Condition }
  | { kind: 'and' | 'or'; left: Condition; right: Condition };

export function parseCondition(text: string): Condition {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (t?: string) => {
    const tok = tokens[pos];
    if (tok === undefined || (t !== undefined && tok !== t)) throw new Error(`expected ${t ?? 'more'} at ${tok === undefined ? 'the end' : `'${tok}'`} in "${text}"`);
    pos++;
    return tok;
  };
  const or = (): Condition => {
    let left = and();
    while (peek() === '||') {
      take();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Condition => {
    let left = unary();
    while (peek() === '&&') {
      take();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): Condition => {
    if (peek() === '!') {
      take();
      return { kind: 'not', arg: unary() };
    }
    return comparison();
  };
  const comparison = (): Condition => {
    const left = primary();
    if (peek() === '==' || peek() === '!=') {
      const op = take() as '==' | '!=';
      return { kind: 'cmp', op, left, right: primary() };
    }
    return left;
  };
  const primary = (): Condition => {
    const tok = take();
    if (tok === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (tok.startsWith("'") || tok.startsWith('"')) return { kind: 'lit', value: tok.slice(1, -1) };
    if (/^-?\d+$/.test(tok)) return { kind: 'lit', value: Number(tok) };
    if (tok === 'true' || tok === 'false') return { kind: 'lit', value: tok === 'true' };
    if (tok === 'null') return { kind: 'lit', value: null };
    if (['success', 'failure', 'always'].includes(tok) && peek() === '(') {
      take('(');
      take(')');
      return { kind: 'fn', name: tok as 'success' | 'failure' | 'always' };
    }
    const ref = parseReference(tok, 'when');
    return { kind: 'ref', ...ref };
  };
  const tree = or();
  if (pos !== tokens.length) throw new Error(`unexpected '${tokens[pos]}' in "${text}"`);
  return tree;
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(==|!=|&&|\|\||[!()]|'[^']*'|"[^"]*"|[A-Za-z0-9_.-]+)/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`cannot read "${text.slice(i).trim()}" in "${text}"`);
    out.push(m[1]!);
    i = re.lastIndex;
  }
  if (out.length === 0) throw new Error('an empty condition');
  return out;
}

function checkRefs(c: Condition, seen: Map<string, Set<string>>, field = 'when'): void {
  switch (c.kind) {
    case 'ref':
      if (!seen.has(c.stage)) throw new StagesError(`'${c.stage}' is not an earlier stage`, field);
      if (!seen.get(c.stage)!.has(c.trigger)) throw new StagesError(`stage '${c.stage}' has no trigger '${c.trigger}'`, field);
      return;
    case 'cmp':
    case 'and':
    case 'or':
      checkRefs(c.left, seen, field);
      checkRefs(c.right, seen, field);
      return;
    case 'not':
      checkRefs(c.arg, seen, field);
      return;
    default:
      return;
  }
}

/** Evaluates a condition against the triggers that ran; `failedSoFar`: a trigger has failed. */
export function evaluateCondition(c: Condition, values: StageValues, failedSoFar: boolean): boolean {
  const value = (x: Condition): unknown => {
    switch (x.kind) {
      case 'fn':
        return x.name === 'always' ? true : x.name === 'success' ? !failedSoFar : failedSoFar;
      case 'ref':
        return values[x.stage]?.[x.trigger]?.[x.field] ?? null;
      case 'lit':
        return x.value;
      case 'cmp': {
        const l = value(x.left);
        const r = value(x.right);
        const eq = l === r || (l !== null && r !== null && String(l) === String(r));
        return x.op === '==' ? eq : !eq;
      }
      case 'not':
        return !value(x.arg);
      case 'and':
        return Boolean(value(x.left)) && Boolean(value(x.right));
      case 'or':
        return Boolean(value(x.left)) || Boolean(value(x.right));
    }
  };
  return Boolean(value(c));
}

/** Values standing in for every trigger's, for checks before the run (they pass the option rules). */
export function placeholderValues(file: StagesFile): StageValues {
  const out: StageValues = {};
  for (const s of file.stages) {
    out[s.name] = {};
    for (const t of s.triggers) out[s.name]![t.id] = { ...PLACEHOLDER, failed: false };
  }
  return out;
}
