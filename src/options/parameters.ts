/**
 * The step's `parameters` in all its forms, reduced to one ordered list of [name, value] pairs.
 *
 * Text form ("K=V" lines) follows the plugin (docs/plugin-compat.md §5.2) with its quirks fixed (docs/plugin-compat.md §14 #9):
 * keys are trimmed, a trailing CR is removed, the order written is kept, a duplicate key is an
 * error instead of a crash, and a line without '=' is an error instead of being dropped
 * silently (that is how the plugin loses multi-line values, JENKINS-68737). Multi-line values
 * are supported by the map form only.
 */
export type ParameterList = Array<[string, string]>;

export class ParameterError extends Error {
  override name = 'ParameterError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export function parseParameterText(text: string, field = 'parameters', source = 'text'): ParameterList {
  const out: ParameterList = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = line.indexOf('=');
    const where = `${source} line ${i + 1}`;
    if (eq < 0) {
      throw new ParameterError(
        `${field}: ${where} has no '=' ("${trimmed.slice(0, 40)}"). Each line must be NAME=value; ` +
          `multi-line values are only possible with the map form ({ NAME: "line1\\nline2" }).`,
        field,
      );
    }
    const key = line.slice(0, eq).trim();
    if (key === '') throw new ParameterError(`${field}: ${where} has an empty parameter name`, field);
    const firstLine = seen.get(key);
    if (firstLine !== undefined) {
      throw new ParameterError(`${field}: duplicate parameter '${key}' (${source} lines ${firstLine} and ${i + 1})`, field);
    }
    seen.set(key, i + 1);
    out.push([key, line.slice(eq + 1)]);
  });
  return out;
}

export type ScalarValue = string | number | boolean;

export function parameterMapToList(map: Record<string, ScalarValue | null | undefined>, field = 'parameters'): ParameterList {
  const out: ParameterList = [];
  for (const [rawKey, value] of Object.entries(map)) {
    const key = rawKey.trim();
    if (key === '') throw new ParameterError(`${field}: empty parameter name`, field);
    if (value === null || value === undefined) {
      throw new ParameterError(`${field}: parameter '${key}' has no value (use "" for an empty value)`, field);
    }
    if (out.some(([k]) => k === key)) throw new ParameterError(`${field}: duplicate parameter '${key}'`, field);
    out.push([key, String(value)]);
  }
  return out;
}

/**
 * The text form of a parameter list, one `NAME=value` line each: what parseParameterText reads
 * back to the same list. Values with a line break, and names the text form cannot carry, have
 * no text form (the map form carries them).
 */
export function formatParameterText(params: ParameterList): string {
  return params
    .map(([k, v]) => {
      if (k !== k.trim() || k === '' || k.includes('=') || k.includes('\n') || k.startsWith('#')) {
        throw new ParameterError(`parameter name ${JSON.stringify(k)} has no text form`, 'parameters');
      }
      if (v.includes('\n') || v.endsWith('\r')) throw new ParameterError(`the value of '${k}' has a line break: it has no text form`, 'parameters');
      return `${k}=${v}`;
    })
    .join('\n');
}

/**
 * `overrides` applied to `base`: a key of both keeps its place in `base` with the value of
 * `overrides`; keys only in `overrides` follow in their order.
 */
export function mergeParameters(base: ParameterList, overrides: ParameterList): ParameterList {
  const out: ParameterList = base.map(([k, v]) => [k, v]);
  for (const [k, v] of overrides) {
    const at = out.findIndex(([name]) => name === k);
    if (at >= 0) out[at] = [k, v];
    else out.push([k, v]);
  }
  return out;
}

/** Replaces the values of secret parameters for log output. */
export function maskParameters(params: ParameterList, secretNames: readonly string[]): ParameterList {
  if (secretNames.length === 0) return params;
  const secret = new Set(secretNames);
  return params.map(([k, v]) => [k, secret.has(k) ? '****' : v]);
}

export function formatParameters(params: ParameterList, secretNames: readonly string[] = []): string {
  return `{${maskParameters(params, secretNames)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}}`;
}
