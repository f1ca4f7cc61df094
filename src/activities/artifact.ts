import { ApplicationFailure } from '@temporalio/activity';
import { JenkinsError, originOf } from '../jenkins/index.js';
import { refused } from './trust.js';
import { type ActivityDeps, type SharedState, jenkinsFor, toFailure } from './context.js';
import { FailureTypes, type ArtifactRequest } from './types.js';

/** GET <buildUrl>artifact/<path> through the worker, which holds the credentials (docs/jenkins.md §12). */
export async function readArtifact(deps: ActivityDeps, shared: SharedState, req: ArtifactRequest): Promise<{ body: string; contentType: string | null }> {
  const jenkins = jenkinsFor(req.target, { httpGetReadTimeoutMs: req.httpGetReadTimeoutMs }, deps, shared);
  // The request names the build URL too: it must be on the target's origin, which was checked.
  if (originOf(req.buildUrl) !== originOf(req.target.root)) throw refused('buildUrl: the build must be on the origin of target.root');
  try {
    return await jenkins.getArtifact(req.buildUrl, req.path);
  } catch (e) {
    if (e instanceof JenkinsError && e.status === 404) {
      throw ApplicationFailure.create({
        type: FailureTypes.ArtifactNotFound,
        message: `No archived file '${req.path}' in ${req.buildUrl}`,
        nonRetryable: true,
      });
    }
    throw toFailure(e);
  }
}
