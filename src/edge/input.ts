import type { Config } from '../options/config-schema.js';
import { OptionsError } from '../options/errors.js';
import { LIMITS } from '../options/limits.js';
import { resolveTarget } from '../options/resolve.js';
import { assembleTriggerInput, inlineParameters, parseStepOptions } from '../options/trigger-input-core.js';
import type { TriggerInput } from '../contract/trigger-input.js';

/**
 * Step options, as a caller of the API sends them, to the workflow input. The same schemas and
 * host resolution as the library (src/options); what differs is that nothing here reads a file:
 * the API runs on a server for remote callers, so options that name local files are refused
 * with the field named, and file parameters come inline: `fileParameters: {NAME: {fileName,
 * contentBase64}}`.
 */
export function apiTriggerInput(raw: unknown, ctx: { config: Config; triggerId: string }): TriggerInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new OptionsError("options must be an object with the step's option names", 'options');
  const { fileParameters, ...rest } = raw as Record<string, unknown>;
  refuseFileOptions(rest);
  const opts = parseStepOptions(rest);
  const parameters = inlineParameters(opts.parameters, opts.loadParamsFromFile);
  // refuseFileOptions caught the file forms already; this keeps the two rules in step.
  if (parameters === null) throw fileRefused('parameters');
  const files = inlineFiles(fileParameters, parameters);
  const target = resolveTarget(opts, ctx.config);
  return assembleTriggerInput(opts, { triggerId: ctx.triggerId, target, parameters, files, config: ctx.config });
}

const fileRefused = (field: string) =>
  new OptionsError(`${field}: options that read files on the server are not accepted by the API; send the values inline`, field);

function refuseFileOptions(o: Record<string, unknown>): void {
  if (typeof o.parameterFile === 'string' && o.parameterFile.trim() !== '') throw fileRefused('parameterFile');
  if (o.loadParamsFromFile === true) throw fileRefused('loadParamsFromFile');
  const p = o.parameters;
  if (typeof p === 'string' && p.trim() !== '' && !p.includes('=') && !p.includes('\n')) throw fileRefused('parameters');
  if (p && typeof p === 'object' && 'filePath' in p) throw fileRefused('parameters.filePath');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function inlineFiles(raw: unknown, parameters: Array<[string, string]>): TriggerInput['files'] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new OptionsError('fileParameters: must be an object {NAME: {fileName, contentBase64}}', 'fileParameters');
  const files: TriggerInput['files'] = [];
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    const field = `fileParameters.${name}`;
    if (typeof v === 'string') throw fileRefused(field);
    if (!v || typeof v !== 'object') throw new OptionsError(`${field}: must be {fileName, contentBase64}`, field);
    const { fileName, contentBase64, ...extra } = v as Record<string, unknown>;
    if (Object.keys(extra).length > 0) throw new OptionsError(`${field}: unknown key '${Object.keys(extra)[0]}' (expected fileName, contentBase64)`, field);
    if (typeof contentBase64 !== 'string' || contentBase64.length % 4 !== 0 || !BASE64.test(contentBase64)) {
      throw new OptionsError(`${field}.contentBase64: must be base64`, `${field}.contentBase64`);
    }
    const bytes = (contentBase64.length / 4) * 3 - (contentBase64.endsWith('==') ? 2 : contentBase64.endsWith('=') ? 1 : 0);
    if (bytes > LIMITS.fileParameterBytes.max) {
      throw new OptionsError(`${field}: ${bytes} bytes; file parameters are limited to ${LIMITS.fileParameterBytes.max} bytes (they travel in workflow history)`, field);
    }
    if (fileName !== undefined && (typeof fileName !== 'string' || fileName === '' || /[/\\]/.test(fileName))) {
      throw new OptionsError(`${field}.fileName: must be a file name without '/'`, `${field}.fileName`);
    }
    if (parameters.some(([k]) => k === name.trim())) throw new OptionsError(`${field}: '${name}' is also given as a plain parameter`, field);
    files.push({ name: name.trim(), fileName: (fileName as string | undefined) ?? name.trim(), contentBase64 });
  }
  return files;
}
