import { LIMITS } from '../options/limits.js';
import { CONFIG, EXPORT_ENV, type Flags, JSON_OUTPUT, QUIET, VERBOSE } from './flags.js';

/**
 * The flags of `trigger`: the step's options in kebab case, plus the CLI's own (README
 * "Contract"). Secret values are never flags: only the names of the variables holding them.
 * trigger-options.ts turns them into step options.
 */
export const TRIGGER_FLAGS = {
  job: { type: 'string', value: 'NAME|URL', help: 'the remote job: a name (on the host of --remote-jenkins-name or --remote-jenkins-url) or a job URL' },
  'remote-jenkins-name': { type: 'string', value: 'NAME', help: 'a remote host of temporal.yaml' },
  'remote-jenkins-url': { type: 'string', value: 'URL', help: 'the remote Jenkins, without a host of temporal.yaml' },
  parameters: { type: 'string', value: 'TEXT', help: "the step's K=V lines" },
  param: { type: 'string', multiple: true, value: 'K=V', help: 'one parameter (repeatable); overrides --parameters, --parameter-file and --options' },
  'parameter-file': { type: 'string', value: 'FILE', help: 'a file of K=V lines' },
  'file-param': { type: 'string', multiple: true, value: 'NAME=PATH', help: 'a file parameter, uploaded (repeatable)' },
  'no-block-build-until-complete': { type: 'boolean', help: 'return once Jenkins accepted the trigger instead of when the build finished' },
  'poll-interval': { type: 'string', value: 'SECONDS', fallback: String(LIMITS.pollInterval.default), help: 'seconds between build polls' },
  'queue-poll-interval': { type: 'string', value: 'SECONDS', fallback: `the poll interval, at most ${LIMITS.queuePollInterval.max}`, help: 'seconds between queue polls' },
  timeout: { type: 'string', value: 'SECONDS', fallback: 'none', help: 'overall limit for queue and build' },
  'abort-triggered-job': { type: 'boolean', help: 'stop the remote build when the trigger is aborted or times out' },
  'should-not-fail-build': { type: 'boolean', help: 'exit 0 whatever the remote result' },
  'enhanced-logging': { type: 'boolean', help: 'show the remote console' },
  'max-conn': { type: 'string', value: 'N', fallback: String(LIMITS.maxConn.default), help: `concurrent HTTP calls to the remote host (${LIMITS.maxConn.min} to ${LIMITS.maxConn.max})` },
  'trust-all-certificates': { type: 'boolean', help: 'accept any TLS certificate (sets overrideTrustAllCertificates too)' },
  'use-crumb-cache': { type: 'boolean', help: 'reuse the CSRF crumb for 10 minutes' },
  'use-job-info-cache': { type: 'boolean', help: "reuse the job's metadata for 10 minutes" },
  'prevent-remote-build-queue': { type: 'boolean', help: 'wait until the remote job has no queued or running build' },
  disabled: { type: 'boolean', help: 'do nothing (exit 0)' },
  'http-get-read-timeout': { type: 'string', value: 'MS', fallback: String(LIMITS.httpGetReadTimeout.default), help: 'read timeout of each GET' },
  'http-post-read-timeout': { type: 'string', value: 'MS', fallback: String(LIMITS.httpPostReadTimeout.default), help: 'read timeout of each POST' },
  'secret-parameter': { type: 'string', multiple: true, value: 'NAME', help: "mask this parameter's value in every log line (repeatable)" },
  'allow-undefined-parameters': { type: 'boolean', help: 'send parameters the remote job does not define' },
  auth: { type: 'string', value: 'none|token|bearer|credentials', help: 'how to authenticate, with --user, --api-token-env or --credentials' },
  user: { type: 'string', value: 'NAME', help: 'the user of --auth token' },
  'api-token-env': { type: 'string', value: 'VAR', help: 'the environment variable holding the API token (--auth token or bearer)' },
  credentials: { type: 'string', value: 'ID', help: 'a credentials id of temporal.yaml' },
  'token-env': { type: 'string', value: 'VAR', help: "the environment variable holding the job's trigger token" },
  'notify-url': { type: 'string', multiple: true, value: 'URL', help: 'a completion webhook, signed with --notify-secret-env (repeatable)' },
  'notify-secret-env': { type: 'string', multiple: true, value: 'VAR', help: "the environment variable of the webhooks' secret: one, or one per --notify-url" },
  id: { type: 'string', value: 'ID', fallback: 'trigger-<job>-<random>', help: "the trigger's id; the same id again attaches to the existing trigger" },
  json: JSON_OUTPUT,
  options: { type: 'string', value: 'FILE', help: "a JSON or YAML object of the step's options ('-': stdin); flags override it" },
  config: CONFIG,
  'export-env': EXPORT_ENV,
  quiet: QUIET,
  verbose: VERBOSE,
  // For any other Temporal client, e.g. an edge function using Temporal's HTTP API.
  'dry-run': { type: 'boolean', help: 'validate and print the workflow input (no secrets in it); start nothing' },
} as const satisfies Flags;
