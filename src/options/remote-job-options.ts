import { type StepOptions, type StepOptionsInput, StepOptionsSchema } from './step-options.js';

/**
 * Options of a trigger started from workflow code (`remote-trigger/workflow`) or a stage file.
 * Pure (zod only), so that the workflow checks them itself, and the worker again.
 *
 * Such options are resolved by the worker (docs/design.md §3.5): options that read a local file
 * (`parameterFile`, a string `parameters` that is a path, `{filePath}`, `fileParameters`) are
 * refused, since the file would be read on whatever machine runs the worker.
 */
export interface RemoteJobRequest {
  triggerId: string;
  options: StepOptionsInput;
}

export type OptionsCheck = { ok: true; options: StepOptions } | { ok: false; field: string; message: string };

export function checkRemoteJobOptions(raw: unknown, prefix = ''): OptionsCheck {
  const at = (field: string) => (prefix ? (field ? `${prefix}.${field}` : prefix) : field);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, field: at(''), message: "options must be an object with the step's option names" };
  }
  const r = StepOptionsSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    return { ok: false, field: at(field), message: issue.message };
  }
  const local = localFileField(r.data);
  if (local) {
    return {
      ok: false,
      field: at(local),
      message: 'reads a local file, which a trigger started from a workflow cannot do (the worker would read its own disk): give the parameters as a map or K=V text',
    };
  }
  return { ok: true, options: r.data };
}

/** The option that would read a local file, or null. */
export function localFileField(o: StepOptions): string | null {
  if (o.parameterFile) return 'parameterFile';
  const p = o.parameters;
  if (typeof p === 'string' && p.trim() !== '' && (o.loadParamsFromFile || !(p.includes('=') || p.includes('\n')))) return 'parameters';
  if (p && typeof p === 'object' && 'filePath' in p && typeof p.filePath === 'string') return 'parameters.filePath';
  const files = Object.keys(o.fileParameters);
  if (files.length > 0) return `fileParameters.${files[0]}`;
  return null;
}
