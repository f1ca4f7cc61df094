import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';
import { OptionsError } from './errors.js';
import { type ParameterList, ParameterError, mergeParameters, parseParameterText } from './parameters.js';
import { resolveTarget } from './resolve.js';
import { assembleTriggerInput, inlineParameters, parseStepOptions } from './trigger-input-core.js';
import type { TriggerInput } from '../contract/trigger-input.js';
import { LIMITS } from './limits.js';
import { type StepOptions, type StepOptionsInput, StepOptionsSchema } from './step-options.js';

/**
 * The workflow's input: validated options with parameters read and the target resolved.
 * It holds no secret (only references), because it is stored in Temporal history. Its schema
 * is in src/contract/trigger-input.ts, shared with the workflow.
 */
export type { TriggerInput } from '../contract/trigger-input.js';

export { parseStepOptions } from './trigger-input-core.js';

/** Validates everything a trigger needs before anything is started or sent. */
export async function buildTriggerInput(
  raw: StepOptionsInput | unknown,
  ctx: { config: Config; triggerId: string; cwd?: string },
): Promise<TriggerInput> {
  const opts = parseStepOptions(raw);
  const target = resolveTarget(opts, ctx.config);
  const parameters = await readParameters(opts, ctx.cwd ?? process.cwd());
  const files = await readFileParameters(opts.fileParameters, parameters, ctx.cwd ?? process.cwd());
  return assembleTriggerInput(opts, { triggerId: ctx.triggerId, target, parameters, files, config: ctx.config });
}

/**
 * The parameters that `parameters`, `parameterFile` and `loadParamsFromFile` of raw options
 * give, read and merged (for the CLI, which merges its --param flags on top).
 */
export async function resolveParameterList(raw: Record<string, unknown>, cwd: string): Promise<ParameterList> {
  const fields = StepOptionsSchema.pick({ parameters: true, parameterFile: true, loadParamsFromFile: true });
  const r = fields.safeParse({ parameters: raw.parameters, parameterFile: raw.parameterFile, loadParamsFromFile: raw.loadParamsFromFile });
  if (!r.success) throw OptionsError.fromZod(r.error);
  return readParameters(r.data as StepOptions, cwd);
}

async function readParameters(opts: StepOptions, cwd: string): Promise<ParameterList> {
  try {
    // parameterFile is the base and parameters override it, like `helm -f values.yaml --set`:
    // the file's order is kept, overridden keys keep their place, new keys come last.
    const base = opts.parameterFile ? await readParameterFile(opts.parameterFile, cwd, 'parameterFile') : [];
    return mergeParameters(base, await readParametersOption(opts, cwd));
  } catch (e) {
    if (e instanceof ParameterError) throw new OptionsError(e.message, e.field);
    throw e;
  }
}

async function readParametersOption(opts: StepOptions, cwd: string): Promise<ParameterList> {
  const inline = inlineParameters(opts.parameters, opts.loadParamsFromFile);
  if (inline) return inline;
  const p = opts.parameters!;
  if (typeof p === 'string') return await readParameterFile(p.trim(), cwd, 'parameters');
  return await readParameterFile((p as { filePath: string }).filePath, cwd, 'parameters.filePath');
}

/** The content of a file parameter travels in workflow input (history): keep it small. */
export const MAX_FILE_PARAMETER_BYTES = LIMITS.fileParameterBytes.max;

async function readFileParameters(map: Record<string, string>, parameters: ParameterList, cwd: string): Promise<TriggerInput['files']> {
  const files: TriggerInput['files'] = [];
  for (const [name, file] of Object.entries(map)) {
    const field = `fileParameters.${name}`;
    if (parameters.some(([k]) => k === name)) throw new OptionsError(`${field}: '${name}' is also given as a plain parameter`, field);
    const full = path.resolve(cwd, file);
    let content: Buffer;
    try {
      content = await readFile(full);
    } catch (e) {
      throw new OptionsError(`${field}: cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, field);
    }
    if (content.length > MAX_FILE_PARAMETER_BYTES) {
      throw new OptionsError(`${field}: ${full} has ${content.length} bytes; file parameters are limited to ${MAX_FILE_PARAMETER_BYTES} bytes (they travel in workflow history)`, field);
    }
    files.push({ name, fileName: path.basename(full), contentBase64: content.toString('base64') });
  }
  return files;
}

async function readParameterFile(file: string, cwd: string, field: string): Promise<ParameterList> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (e) {
    // The plugin only warns and goes on without parameters; a missing file is almost always a
    // mistake, so here it stops before anything is triggered.
    throw new OptionsError(`${field}: cannot read parameter file ${full}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, field);
  }
  return parseParameterText(text, field, path.basename(full));
}
