import { gzipSync } from 'node:zlib';
import { ApplicationFailure } from '@temporalio/activity';
import { JenkinsError, originOf } from '../jenkins/index.js';
import { refused } from './trust.js';
import { type ActivityDeps, type SharedState, jenkinsFor, toFailure } from './context.js';
import { FailureTypes, type ConsoleRead, type ConsoleRequest } from './types.js';

/** Above this a read is gzipped; a read still above MAX after gzip would exceed Temporal's payload limit. */
const GZIP_ABOVE = 256 * 1024;
const MAX_ENCODED = 1536 * 1024;

/**
 * GET <buildUrl>logText/progressiveText?start=N through the worker, which holds the credentials
 * (docs/design.md §9.1, docs/jenkins.md §10). The caller passes Jenkins' cursor back unchanged, so
 * no byte is lost or repeated across reads.
 */
export async function readConsole(deps: ActivityDeps, shared: SharedState, req: ConsoleRequest): Promise<ConsoleRead> {
  const jenkins = jenkinsFor(req.target, { httpGetReadTimeoutMs: req.httpGetReadTimeoutMs }, deps, shared);
  if (originOf(req.buildUrl) !== originOf(req.target.root)) throw refused('buildUrl: the build must be on the origin of target.root');
  if (!/^\d{1,19}$/.test(req.start)) throw refused(`start: a console cursor is a non-negative integer (got '${req.start.slice(0, 40)}')`);
  try {
    const chunk = await jenkins.getConsoleChunk(req.buildUrl, req.start);
    let data = Buffer.from(chunk.bytes).toString('base64');
    let encoding: ConsoleRead['encoding'] = 'base64';
    if (chunk.bytes.length > GZIP_ABOVE) {
      data = gzipSync(chunk.bytes).toString('base64');
      encoding = 'gzip+base64';
    }
    if (data.length > MAX_ENCODED) {
      throw ApplicationFailure.create({
        type: FailureTypes.ConsoleUnavailable,
        message: `the console of ${req.buildUrl} from ${req.start} is ${chunk.bytes.length} bytes, too large for one read through Temporal; read it from Jenkins (${req.buildUrl}consoleText)`,
        nonRetryable: true,
      });
    }
    return { data, encoding, next: chunk.nextStart, more: chunk.moreData };
  } catch (e) {
    if (e instanceof JenkinsError && e.status === 404) {
      throw ApplicationFailure.create({ type: FailureTypes.ConsoleUnavailable, message: `No build at ${req.buildUrl} (deleted or rotated away)`, nonRetryable: true });
    }
    throw toFailure(e);
  }
}
