import type { Config } from './config-schema.js';
import { OptionsError } from './errors.js';
import { LIMITS } from './limits.js';
import { type ParameterList, ParameterError, parameterMapToList, parseParameterText } from './parameters.js';
import { checkCredentialIds, resolveCaches } from './resolve.js';
import { type StepOptions, StepOptionsSchema } from './step-options.js';
import { type Target, type TriggerInput, TriggerInputSchema } from '../contract/trigger-input.js';

// The parts of building a workflow input that read no file: shared by buildTriggerInput
// (trigger-input.ts, which reads parameter files on Node) and the edge API (src/edge), which
// refuses options that name local files. No Node imports here.

export function parseStepOptions(raw: unknown): StepOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new OptionsError('options must be an object with the step\'s option names', '');
  }
  const r = StepOptionsSchema.safeParse(raw);
  if (!r.success) throw OptionsError.fromZod(r.error);
  return r.data;
}

/**
 * The parameters of a `parameters` value that is not a file: `K=V` text, a map, or the
 * MapParameters form. Returns null for the forms that name a file (a path string, `{filePath}`,
 * or any string with loadParamsFromFile), which the caller reads or refuses.
 */
export function inlineParameters(p: StepOptions['parameters'], loadParamsFromFile = false): ParameterList | null {
  try {
    if (p === undefined) return [];
    if (typeof p === 'string') {
      // The plugin's rule: a string with '=' or a newline is K=V text, otherwise a file path.
      if (p.trim() === '') return [];
      if (!loadParamsFromFile && (p.includes('=') || p.includes('\n'))) return parseParameterText(p);
      return null;
    }
    if ('filePath' in p && typeof p.filePath === 'string') return null;
    if ('parameters' in p && Array.isArray(p.parameters)) {
      const names = p.parameters.map((e) => e.name.trim());
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) throw new ParameterError(`parameters: duplicate parameter '${dup}'`, 'parameters');
      // Entry by entry: going through an object would move numeric names ('1', '2') to the front.
      return p.parameters.flatMap((e) => parameterMapToList({ [e.name]: e.value }));
    }
    return parameterMapToList(p as Record<string, string | number | boolean>);
  } catch (e) {
    if (e instanceof ParameterError) throw new OptionsError(e.message, e.field);
    throw e;
  }
}

/** The workflow input from validated options and what was resolved and read for them. */
export function assembleTriggerInput(
  opts: StepOptions,
  parts: { triggerId: string; target: Target; parameters: ParameterList; files: TriggerInput['files']; config: Config },
): TriggerInput {
  const token = typeof opts.token === 'object' ? opts.token : null;
  if (token) checkCredentialIds({ kind: 'bearer', secret: token }, parts.config, 'token');
  opts.notify?.forEach((n, i) => checkCredentialIds({ kind: 'bearer', secret: n.secret }, parts.config, `notify[${i}].secret`));
  return checked({
    triggerId: parts.triggerId,
    job: opts.job,
    target: parts.target,
    parameters: parts.parameters,
    files: parts.files,
    token,
    blockBuildUntilComplete: opts.blockBuildUntilComplete,
    pollIntervalSeconds: opts.pollInterval,
    queuePollIntervalSeconds: opts.queuePollInterval ?? Math.min(LIMITS.queuePollInterval.max, opts.pollInterval),
    abortTriggeredJob: opts.abortTriggeredJob,
    preventRemoteBuildQueue: opts.preventRemoteBuildQueue,
    shouldNotFailBuild: opts.shouldNotFailBuild,
    enhancedLogging: opts.enhancedLogging,
    ...resolveCaches(opts, parts.config),
    disabled: opts.disabled,
    httpGetReadTimeoutMs: opts.httpGetReadTimeout,
    httpPostReadTimeoutMs: opts.httpPostReadTimeout,
    timeoutSeconds: opts.timeout ?? null,
    passingResults: opts.passingResults,
    secretParameters: opts.secretParameters,
    ...(opts.allowUndefinedParameters ? { allowUndefinedParameters: true } : {}),
    ...(opts.notify ? { notify: opts.notify } : {}),
  });
}

/**
 * The input must pass the schema the workflow applies, so that what a caller accepts the
 * workflow never refuses. Fields are named as the user knows them (parameters, not the input's).
 */
function checked(input: TriggerInput): TriggerInput {
  const r = TriggerInputSchema.safeParse(input);
  if (r.success) return r.data;
  const e = OptionsError.fromZod(r.error);
  const field = e.field.replace(/^triggerId/, 'id').replace(/^target\.(jobUrl|root)/, 'job').replace(/^files/, 'fileParameters');
  throw new OptionsError(e.message.replace(e.field, field), field, e.issues);
}
