// Public surface of the Jenkins client. Other modules import from here only.
export {
  normaliseRoot,
  buildJobUrl,
  isJobUrl,
  isHttpUrl,
  rootOfJobUrl,
  normaliseJobUrl,
  rebaseOnRoot,
  queueIdFromLocation,
  redactUrl,
  hasUserInfo,
  jenkinsUrlProblem,
  jobNameSegmentProblem,
  originOf,
  jobPathOf,
  USER_INFO_MESSAGE,
} from './urls.js';
export {
  JenkinsError,
  JenkinsHttpError,
  JenkinsNetworkError,
  JenkinsTimeoutError,
  JenkinsTlsError,
  JenkinsProtocolError,
  JenkinsUsageError,
  isRetryableStatus,
  type JenkinsErrorKind,
  type RequestSent,
} from './errors.js';
export { classifyError } from './classify.js';
export { extractJenkinsMessage } from './jenkins-message.js';
export { JenkinsClient, type JenkinsClientOptions } from './client.js';
export type { JenkinsAuth } from './auth.js';
export type { Limiter } from './http.js';
export { MemoryTtlCache, type TtlCache } from './cache.js';
export { SingleFlight, SINGLE_FLIGHT_WINDOW_MS } from './single-flight.js';
export type {
  CrumbEntry,
  ParameterDefinition,
  JobInfo,
  QueueItemState,
  QueueItemView,
  TriggerRequest,
  TriggerResponse,
  BuildResult,
  BuildView,
  JobBuildEntry,
  QueueListItem,
  ConsoleChunk,
} from './types.js';
export { BUILDS_CAP, type QueueState } from './watch-views.js';
