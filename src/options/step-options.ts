// The options of the `triggerRemoteJob` step, with the step's names and pipeline defaults
// (docs/plugin-compat.md §3.1). A Jenkinsfile call moves here unchanged, except that secrets
// become references (see auth.ts). Options users keep asking for (docs/plugin-compat.md §16)
// are added at the end.

import { z } from 'zod';
import { BUILD_RESULTS, DEFAULT_PASSING_RESULTS } from '../contract/results.js';
import { hasUserInfo, isHttpUrl, USER_INFO_MESSAGE } from '../jenkins/url-rules.js';
import { AuthOptionSchema, SecretRefSchema } from './auth.js';
import { LIMITS } from './limits.js';

/**
 * The options of the `triggerRemoteJob` step, with the step's names and pipeline defaults
 * (docs/plugin-compat.md §3, docs/plugin-compat.md §3.1). A Jenkinsfile call moves here unchanged, except that
 * secrets become references (see auth.ts). Options users keep asking for (docs/plugin-compat.md §16)
 * are added at the end.
 */
export type { RemoteResult } from '../contract/results.js';

const optionalTrimmed = z
  .string()
  .optional()
  .nullable()
  .transform((v) => (v == null || v.trim() === '' ? undefined : v.trim()));

/**
 * Whole number with the plugin's "below the minimum → default" rule, and an upper bound that
 * is an error (LIMITS says why each bound exists).
 */
const intWithFallback = (r: { min: number; max: number; default: number }, unit: string) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .max(r.max, `must be at most ${r.max} ${unit} (range ${r.min} to ${r.max}; smaller values mean the default, ${r.default})`)
    .optional()
    .transform((v) => (v === undefined || v < r.min ? r.default : v));

const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);

export const ParametersOptionSchema = z.union([
  z.string(),
  // null passes here so that parameterMapToList can say which parameter has no value.
  z.record(z.string(), ScalarSchema.nullable()),
  // The snippet generator's MapParameters(parameters: [MapParameter(name:, value:)]) form.
  z.strictObject({
    parameters: z.array(z.strictObject({ name: z.string(), value: ScalarSchema })),
  }),
  // FileParameters(filePath: '...')
  z.strictObject({ filePath: z.string().min(1) }),
]);

/**
 * A completion webhook: when the trigger ends, whatever the outcome, the worker POSTs
 * `{id, state}` to `url`, signed with HMAC-SHA256 under `secret` (a reference the worker
 * resolves; the secret itself never travels). The URL's origin must be in the worker's
 * `notifyOrigins`.
 */
export const NotifyTargetSchema = z.strictObject({
  url: z
    .string()
    .max(2048, 'must be at most 2048 characters')
    .superRefine((v, ctx) => {
      const problem = hasUserInfo(v) ? USER_INFO_MESSAGE : !isHttpUrl(v) ? 'must be an http(s) URL' : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  secret: SecretRefSchema,
});
export type NotifyTarget = z.output<typeof NotifyTargetSchema>;

export const NotifyOptionSchema = z
  .union([NotifyTargetSchema, z.array(NotifyTargetSchema).min(1, 'must not be empty').max(LIMITS.notify.maxTargets, `at most ${LIMITS.notify.maxTargets} webhooks`)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export const StepOptionsSchema = z.strictObject({
  job: z
    .string({ error: "Parameter 'Remote Job Name or URL' ('job' variable in Pipeline) not specified." })
    .trim()
    .min(1, "Parameter 'Remote Job Name or URL' ('job' variable in Pipeline) not specified."),
  remoteJenkinsName: optionalTrimmed,
  remoteJenkinsUrl: optionalTrimmed,
  auth: AuthOptionSchema.optional(),
  /** The job's "Trigger builds remotely" token: a reference, or "" for none. */
  token: z
    .union([
      z.literal(''),
      SecretRefSchema,
      z.string().refine(() => false, {
        message:
          'a literal job token would be stored in Temporal history; use { env: "VAR" }, { file: "path" } or { credentials: "id" } (CLI: --token-env VAR)',
      }),
    ])
    .optional(),
  parameters: ParametersOptionSchema.optional(),
  /** Deprecated in the plugin; same as parameters: { filePath }. */
  parameterFile: optionalTrimmed,
  /** Legacy (plugin ≤ 3.1.5): when true, a string `parameters` is a file path. */
  loadParamsFromFile: z.boolean().optional(),
  blockBuildUntilComplete: z.boolean().default(true),
  /** Seconds between build polls while RUNNING; ≤ 0 becomes 10, as in the plugin. */
  pollInterval: intWithFallback(LIMITS.pollInterval, 'seconds'),
  abortTriggeredJob: z.boolean().default(false),
  preventRemoteBuildQueue: z.boolean().default(false),
  shouldNotFailBuild: z.boolean().default(false),
  enhancedLogging: z.boolean().default(false),
  /** Concurrent HTTP calls per remote host, clamped to 1..5 as in the plugin. */
  maxConn: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .optional()
    .transform((v) => Math.min(LIMITS.maxConn.max, Math.max(LIMITS.maxConn.min, v ?? LIMITS.maxConn.default))),
  trustAllCertificates: z.boolean().default(false),
  overrideTrustAllCertificates: z.boolean().default(false),
  /** Absent: the named host's `useCrumbCache`, else false (resolveCaches in resolve.ts). */
  useCrumbCache: z.boolean().optional(),
  /** Absent: the named host's `useJobInfoCache`, else false (resolveCaches in resolve.ts). */
  useJobInfoCache: z.boolean().optional(),
  disabled: z.boolean().default(false),
  /** Milliseconds; < 1000 becomes the default, as in the plugin. */
  httpGetReadTimeout: intWithFallback(LIMITS.httpGetReadTimeout, 'ms'),
  httpPostReadTimeout: intWithFallback(LIMITS.httpPostReadTimeout, 'ms'),

  // ---- additions (docs/plugin-compat.md §16) ----
  /** Overall limit in seconds for the whole trigger (queue + build). None by default, like the plugin. */
  timeout: z
    .number({ error: 'must be a number' })
    .positive('must be a positive number of seconds')
    .max(LIMITS.timeout.max, `must be at most ${LIMITS.timeout.max} seconds (24 days)`)
    .optional(),
  /** Seconds between queue polls; default min(pollInterval, 30). Capped at 30 because Jenkins forgets left items after 5 min. */
  queuePollInterval: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be a positive number of seconds')
    .max(LIMITS.queuePollInterval.max, `must be at most ${LIMITS.queuePollInterval.max} seconds`)
    .optional(),
  /** Results that count as passing; the plugin's fixed set is SUCCESS and UNSTABLE. */
  passingResults: z.array(z.enum(BUILD_RESULTS)).min(1).default(() => [...DEFAULT_PASSING_RESULTS]),
  /**
   * File parameters: parameter name → path of a local file, read by the caller (as the plugin
   * reads parameter files from the workspace) and uploaded as multipart/form-data. The content
   * travels in workflow input, so files are limited to 256 KiB each.
   */
  fileParameters: z.record(z.string().trim().min(1), z.string().min(1)).default({}),
  /** Parameter names whose values are masked in every log line. */
  secretParameters: z.array(z.string()).default([]),
  /**
   * Send parameters the remote job does not define (Jenkins drops them silently). Off by
   * default: such a parameter is an error naming it and listing the job's parameters.
   */
  allowUndefinedParameters: z.boolean().default(false),
  /** Completion webhooks: one `{url, secret}` or a list (see NotifyTargetSchema). */
  notify: NotifyOptionSchema.optional(),
});

export type StepOptionsInput = z.input<typeof StepOptionsSchema>;
export type StepOptions = z.output<typeof StepOptionsSchema>;
