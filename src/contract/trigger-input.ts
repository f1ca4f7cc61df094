// The workflow input (`TriggerInput`) as one schema. `buildTriggerInput` checks its own output
// with it, and the workflow checks what it receives with it, because other clients (Temporal's
// HTTP API, other SDKs, the Temporal UI) start workflows without our validation.
//
// Pure and deterministic: zod and the import-free URL rules only, so it runs in the workflow
// sandbox. It describes references to secrets, never secrets: whether a reference may be
// resolved, and where a secret may go, is the worker's decision (activities/trust.ts).
//
// Other clients' habits are accepted: Temporal's HTTP API turns empty lists into null, and
// histories recorded before file parameters existed have no `files`.

import { z } from 'zod';
import { isHttpUrl, jenkinsUrlProblem, jobNameSegmentProblem } from '../jenkins/url-rules.js';
import { SecretRefSchema } from '../options/auth.js';
import { LIMITS } from '../options/limits.js';
import { NotifyTargetSchema } from '../options/step-options.js';
import { BUILD_RESULTS, DEFAULT_PASSING_RESULTS } from './results.js';

const nullableList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v == null ? [] : v), z.array(item));

const urlOf = (kind: 'root' | 'job') =>
  z
    .string()
    .refine(isHttpUrl, 'must be an http(s) URL')
    .superRefine((v, ctx) => {
      const problem = isHttpUrl(v) ? jenkinsUrlProblem(v, kind) : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** Names of parameters and of the marker parameter: what Jenkins could define. */
const parameterName = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.parameters.maxNameLength, `must be at most ${LIMITS.parameters.maxNameLength} characters`)
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

export const AuthRefSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('null') }),
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('token'), userName: z.string().min(1), secret: SecretRefSchema }),
  z.strictObject({ kind: z.literal('credentials'), credentials: z.string().min(1) }),
  z.strictObject({ kind: z.literal('bearer'), secret: SecretRefSchema }),
]);

export const TargetSchema = z
  .strictObject({
    root: urlOf('root'),
    jobUrl: urlOf('job'),
    /** The remote host entry of temporal.yaml that was used, if any. */
    hostName: z.string().min(1).nullable(),
    auth: AuthRefSchema,
    /** Where the auth came from, for the plugin's "Using job-level/globally defined ..." line. */
    authSource: z.enum(['job', 'host', 'none']),
    trustAllCertificates: z.boolean(),
    maxConn: z.number().int().min(LIMITS.maxConn.min).max(LIMITS.maxConn.max),
    buildTokenRoot: z.boolean(),
    markerParameter: parameterName,
  })
  .superRefine((t, ctx) => {
    // The job must live under the root: the root's origin is what credentials are checked against.
    if (isHttpUrl(t.root) && isHttpUrl(t.jobUrl) && !t.jobUrl.startsWith(`${t.root.replace(/\/+$/, '')}/job/`)) {
      ctx.addIssue({ code: 'custom', path: ['jobUrl'], message: 'must be a job URL under target.root (<root>/job/…)' });
    }
  });

const seconds = (r: { min: number; max: number }) =>
  z.number().int('must be a whole number').min(r.min, `must be at least ${r.min}`).max(r.max, `must be at most ${r.max}`);
const millis = (r: { min: number; max: number }) =>
  z.number().int('must be a whole number').min(r.min, `must be at least ${r.min}`).max(r.max, `must be at most ${r.max}`);

export const TriggerInputSchema = z.strictObject({
  triggerId: z
    .string()
    .min(1, 'must not be empty')
    .max(LIMITS.triggerId.maxLength, `must be at most ${LIMITS.triggerId.maxLength} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
  /** `job` as the caller wrote it (Handle.getConfiguredJobNameOrUrl). */
  job: z
    .string()
    .min(1, 'must not be empty')
    .superRefine((job, ctx) => {
      const problem = isHttpUrl(job)
        ? jenkinsUrlProblem(job, 'job')
        : job.split('/').map(jobNameSegmentProblem).find((p) => p !== null);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  target: TargetSchema,
  parameters: nullableList(
    z.tuple([parameterName, z.string().max(LIMITS.parameters.maxValueLength, `a value must be at most ${LIMITS.parameters.maxValueLength} characters`)]),
  ).refine((l) => l.length <= LIMITS.parameters.maxCount, `at most ${LIMITS.parameters.maxCount} parameters`),
  /** File parameters with their content (base64), sent as multipart/form-data. */
  files: nullableList(
    z.strictObject({
      name: parameterName,
      fileName: z.string().min(1).max(255),
      // base64 of at most fileParameterBytes
      contentBase64: z.string().max(Math.ceil(LIMITS.fileParameterBytes.max / 3) * 4, `must be at most ${LIMITS.fileParameterBytes.max} bytes`),
    }),
  ),
  token: SecretRefSchema.nullish().transform((v) => v ?? null),
  blockBuildUntilComplete: z.boolean(),
  pollIntervalSeconds: seconds(LIMITS.pollInterval),
  queuePollIntervalSeconds: seconds(LIMITS.queuePollInterval),
  abortTriggeredJob: z.boolean(),
  preventRemoteBuildQueue: z.boolean(),
  shouldNotFailBuild: z.boolean(),
  enhancedLogging: z.boolean(),
  useCrumbCache: z.boolean(),
  useJobInfoCache: z.boolean(),
  disabled: z.boolean(),
  httpGetReadTimeoutMs: millis(LIMITS.httpGetReadTimeout),
  httpPostReadTimeoutMs: millis(LIMITS.httpPostReadTimeout),
  timeoutSeconds: z
    .number()
    .positive('must be positive')
    .max(LIMITS.timeout.max, `must be at most ${LIMITS.timeout.max}`)
    .nullish()
    .transform((v) => v ?? null),
  passingResults: z.preprocess((v) => (v == null || (Array.isArray(v) && v.length === 0) ? [...DEFAULT_PASSING_RESULTS] : v), z.array(z.enum(BUILD_RESULTS))),
  secretParameters: nullableList(z.string()),
  /** Absent (false) in inputs recorded before the option existed, and whenever it is off. */
  allowUndefinedParameters: z.boolean().optional(),
  /**
   * Completion webhooks. Optional: inputs recorded before webhooks existed have none, and an
   * input without webhooks leaves the key out, so the workflow takes its old path.
   */
  notify: z.array(NotifyTargetSchema).max(LIMITS.notify.maxTargets).optional(),
});

export type TriggerInput = z.output<typeof TriggerInputSchema>;
export type Target = z.output<typeof TargetSchema>;
export type AuthRefInput = z.output<typeof AuthRefSchema>;

/** The first problem of an input, as `{field, message}`, or the parsed input. */
export function checkTriggerInput(raw: unknown): { ok: true; input: TriggerInput } | { ok: false; field: string; message: string } {
  const r = TriggerInputSchema.safeParse(raw);
  if (r.success) return { ok: true, input: r.data };
  const issue = r.error.issues[0]!;
  const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return { ok: false, field, message: issue.message };
}
