import { USER_INFO_MESSAGE, buildJobUrl, hasUserInfo, isHttpUrl, isJobUrl, jenkinsUrlProblem, normaliseJobUrl, normaliseRoot, rootOfJobUrl } from '../jenkins/urls.js';
import { type AuthRef, toAuthRef } from './auth.js';
import { type Config, type RemoteHost, originsOf } from './config-schema.js';
import { OptionsError } from './errors.js';
import type { StepOptions } from './step-options.js';
import type { Target } from '../contract/trigger-input.js';

/** Where a trigger goes and how it authenticates: everything the worker needs except secrets. */
export type { Target } from '../contract/trigger-input.js';

/**
 * The plugin's evaluateEffectiveRemoteHost + generateJobUrl (docs/plugin-compat.md §4): full job URL >
 * remoteJenkinsUrl > named host, with its messages. Trailing slashes are normalised (quirk 13).
 * Credentials of a named host go only to that host's origin (or origins it lists).
 */
export function resolveTarget(opts: StepOptions, config: Config): Target {
  const host = opts.remoteJenkinsName ? config.remoteHosts.find((h) => h.name === opts.remoteJenkinsName) : undefined;
  if (opts.remoteJenkinsUrl) {
    // User info first: the messages below repeat the value, which must not carry a password.
    if (hasUserInfo(opts.remoteJenkinsUrl)) throw new OptionsError(`remoteJenkinsUrl: ${USER_INFO_MESSAGE}`, 'remoteJenkinsUrl');
    if (!isHttpUrl(opts.remoteJenkinsUrl)) {
      throw new OptionsError(
        `The 'Override remote host URL' parameter value (remoteJenkinsUrl: '${opts.remoteJenkinsUrl}') is no valid URL`,
        'remoteJenkinsUrl',
      );
    }
    const problem = jenkinsUrlProblem(opts.remoteJenkinsUrl, 'root');
    if (problem) throw new OptionsError(`remoteJenkinsUrl: ${problem}`, 'remoteJenkinsUrl');
  }
  if (hasUserInfo(opts.job)) throw new OptionsError(`job: ${USER_INFO_MESSAGE}`, 'job');

  let root: string;
  let jobUrl: string;
  if (isJobUrl(opts.job)) {
    const problem = jenkinsUrlProblem(opts.job, 'job');
    if (problem) throw new OptionsError(`job: ${problem}`, 'job');
    jobUrl = normaliseJobUrl(opts.job);
    try {
      root = normaliseRoot(rootOfJobUrl(jobUrl));
    } catch (e) {
      throw new OptionsError((e as Error).message, 'job');
    }
  } else if (isHttpUrl(opts.job)) {
    throw new OptionsError(`Expected '/job/' element in job URL but was: ${opts.job}`, 'job');
  } else {
    if (opts.remoteJenkinsUrl) root = normaliseRoot(opts.remoteJenkinsUrl);
    else if (host) root = normaliseRoot(host.url);
    else if (!opts.remoteJenkinsName) throw new OptionsError('Configuration of the remote Jenkins host is missing.', 'remoteJenkinsName');
    else throw unknownHost(opts.remoteJenkinsName);
    try {
      jobUrl = buildJobUrl(root, opts.job);
    } catch (e) {
      throw new OptionsError(`job: ${(e as Error).message}`, 'job');
    }
  }
  if (opts.remoteJenkinsName && !host && !opts.remoteJenkinsUrl && !isJobUrl(opts.job)) throw unknownHost(opts.remoteJenkinsName);

  const jobAuth = toAuthRef(opts.auth);
  let auth: AuthRef = { kind: 'none' };
  let authSource: Target['authSource'] = 'none';
  if (jobAuth.kind !== 'null') {
    auth = jobAuth;
    authSource = 'job';
  } else if (host?.auth && credentialsMayGo(host, root)) {
    auth = toAuthRef(host.auth);
    if (auth.kind === 'null') auth = { kind: 'none' };
    authSource = auth.kind === 'none' ? 'none' : 'host';
  }
  checkCredentialIds(auth, config);

  // The job-level flag wins only with overrideTrustAllCertificates (docs/plugin-compat.md §3).
  const trustAllCertificates = opts.overrideTrustAllCertificates ? opts.trustAllCertificates : (host?.trustAllCertificates ?? false);
  return {
    root,
    jobUrl,
    hostName: host?.name ?? null,
    auth,
    authSource,
    trustAllCertificates,
    maxConn: host?.maxConn ?? opts.maxConn,
    buildTokenRoot: host?.hasBuildTokenRootSupport ?? false,
    markerParameter: host?.markerParameter ?? config.markerParameter,
  };
}

/**
 * useCrumbCache and useJobInfoCache: the step's value when it sets one, else the named host's
 * (remoteHosts[].useCrumbCache, useJobInfoCache; docs/plugin-compat.md §2), else false.
 */
export function resolveCaches(opts: StepOptions, config: Config): { useCrumbCache: boolean; useJobInfoCache: boolean } {
  const host = opts.remoteJenkinsName ? config.remoteHosts.find((h) => h.name === opts.remoteJenkinsName) : undefined;
  return {
    useCrumbCache: opts.useCrumbCache ?? host?.useCrumbCache ?? false,
    useJobInfoCache: opts.useJobInfoCache ?? host?.useJobInfoCache ?? false,
  };
}

function unknownHost(name: string): OptionsError {
  return new OptionsError(
    `Could get remote host with ID '${name}' configured in Jenkins global configuration. Please check your global configuration.`,
    'remoteJenkinsName',
  );
}

function credentialsMayGo(host: RemoteHost, root: string): boolean {
  return originsOf([host]).has(new URL(root).origin);
}

export function checkCredentialIds(auth: AuthRef, config: Config, field = 'auth'): void {
  const id = auth.kind === 'credentials' ? auth.credentials : 'secret' in auth && 'credentials' in auth.secret ? auth.secret.credentials : undefined;
  if (id !== undefined && !config.credentials[id]) {
    throw new OptionsError(`${field}: unknown credentials id '${id}' (define it under 'credentials:' in temporal.yaml)`, `${field}.credentials`);
  }
}
