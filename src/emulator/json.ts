// Stapler's JSON as seen at depth 0: `_class` on the root and on nested objects whose runtime
// class differs from the declared type, explicit nulls, `{}` for actions that cannot be
// exported, absolute URLs with a trailing slash except the queue item's relative `url`.
// Key order follows the recorded fixtures in test/fixtures/jenkins.
import { causeDescription, timeSpan } from './entities.js';
import type { Build, Cause, JobState, ParamValue, QueueItem } from './entities.js';
import type { Model } from './model.js';
import type { EmulatorParameter } from './types.js';
import { type BuildListSelection, buildListSelection, selectBuilds } from './build-ranges.js';

const FREESTYLE_JOB = 'hudson.model.FreeStyleProject';
const FREESTYLE_BUILD = 'hudson.model.FreeStyleBuild';
const FOLDER = 'com.cloudbees.hudson.plugins.folder.Folder';

export function encodeSegment(name: string): string {
  return encodeURIComponent(name);
}

export function jobUrl(root: string, fullName: string): string {
  return `${root}/job/${fullName.split('/').map(encodeSegment).join('/job/')}/`;
}

export function buildUrl(root: string, build: Build): string {
  return `${jobUrl(root, build.job.fullName)}${build.number}/`;
}

export function fullDisplayName(fullName: string): string {
  return fullName.split('/').join(' » ');
}

const valueClass: Record<string, string> = {
  string: 'hudson.model.StringParameterValue',
  choice: 'hudson.model.StringParameterValue',
  boolean: 'hudson.model.BooleanParameterValue',
  password: 'hudson.model.PasswordParameterValue',
  file: 'hudson.model.FileParameterValue',
  text: 'hudson.model.TextParameterValue',
};

const definitionName: Record<string, string> = {
  string: 'StringParameterDefinition',
  choice: 'ChoiceParameterDefinition',
  boolean: 'BooleanParameterDefinition',
  password: 'PasswordParameterDefinition',
  file: 'FileParameterDefinition',
  text: 'TextParameterDefinition',
};

/** Password and file values export only their name; booleans are JSON booleans. */
function parameterValueJson(p: ParamValue): Record<string, unknown> {
  const base = { _class: valueClass[p.type], name: p.name };
  if (p.type === 'password' || p.type === 'file') return base;
  return { ...base, value: p.type === 'boolean' ? p.value === 'true' : p.value };
}

function causeJson(cause: Cause): Record<string, unknown> {
  if (cause.kind === 'user') {
    return {
      _class: 'hudson.model.Cause$UserIdCause',
      shortDescription: causeDescription(cause),
      userId: cause.userId,
      userName: cause.userName,
    };
  }
  return {
    _class: 'hudson.model.Cause$RemoteCause',
    shortDescription: causeDescription(cause),
    addr: cause.addr,
    note: cause.note ?? null,
  };
}

function actionsJson(params: ParamValue[] | null, causes: Cause[]): Array<Record<string, unknown>> {
  const actions: Array<Record<string, unknown>> = [];
  if (params !== null) actions.push({ _class: 'hudson.model.ParametersAction', parameters: params.map(parameterValueJson) });
  actions.push({ _class: 'hudson.model.CauseAction', causes: causes.map(causeJson) });
  return actions;
}

/** Queue.Item.getParams: one "\nNAME=value" per parameter. */
function paramsString(params: ParamValue[] | null): string {
  return (params ?? [])
    .map((p) => `\n${p.name}=${p.type === 'password' ? '********' : p.type === 'file' ? (p.fileName ?? '') : p.value}`)
    .join('');
}

/** BallColor: the last completed build's colour, `_anime` while a build runs. */
export function jobColor(job: JobState): string {
  if (job.def.disabled) return 'disabled';
  const completed = job.builds.find((b) => !b.building);
  const colors: Record<string, string> = {
    SUCCESS: 'blue',
    UNSTABLE: 'yellow',
    FAILURE: 'red',
    ABORTED: 'aborted',
    NOT_BUILT: 'notbuilt',
  };
  const base = completed?.result ? (colors[completed.result] ?? 'notbuilt') : 'notbuilt';
  return job.builds.some((b) => b.building) ? `${base}_anime` : base;
}

function whyOf(model: Model, item: QueueItem, now: number): string | null {
  switch (item.state) {
    case 'waiting':
      return item.dueAt > now ? `In the quiet period. Expires in ${timeSpan(item.dueAt - now)}` : 'Finished waiting';
    case 'blocked': {
      const running = model.runningBuild(item.job);
      if (!running) return `Build #${item.job.nextBuildNumber} is already in progress (ETA: N/A)`;
      const eta = running.building ? timeSpan(running.timestamp + running.durationMs - now) : '0 ms';
      return `Build #${running.number} is already in progress (ETA: ${eta})`;
    }
    case 'buildable':
      return 'Waiting for next available executor';
    case 'left':
      return null;
  }
}

const itemClass = {
  waiting: 'hudson.model.Queue$WaitingItem',
  blocked: 'hudson.model.Queue$BlockedItem',
  buildable: 'hudson.model.Queue$BuildableItem',
  left: 'hudson.model.Queue$LeftItem',
} as const;

/** `nested` = the job's `queueItem` property: no actions and a task without colour (depth pruning). */
export function queueItemJson(model: Model, item: QueueItem, root: string, nested = false): Record<string, unknown> {
  const now = model.now();
  const task: Record<string, unknown> = { _class: FREESTYLE_JOB, name: item.job.shortName, url: jobUrl(root, item.job.fullName) };
  if (!nested) task.color = jobColor(item.job);
  const json: Record<string, unknown> = { _class: itemClass[item.state] };
  if (!nested) json.actions = actionsJson(item.params, item.causes);
  Object.assign(json, {
    blocked: item.state === 'blocked',
    buildable: item.state === 'buildable',
    id: item.id,
    inQueueSince: item.inQueueSince,
    params: paramsString(item.params),
    stuck: false,
    task,
    url: `queue/item/${item.id}/`,
    why: whyOf(model, item, now),
  });
  switch (item.state) {
    case 'waiting':
      json.timestamp = item.dueAt;
      break;
    case 'blocked':
      json.buildableStartMilliseconds = item.readyAt ?? now;
      break;
    case 'buildable':
      json.buildableStartMilliseconds = item.readyAt ?? now;
      json.pending = false;
      break;
    case 'left':
      json.cancelled = item.cancelled;
      json.executable = item.build ? { _class: FREESTYLE_BUILD, number: item.build.number, url: buildUrl(root, item.build) } : null;
      break;
  }
  return json;
}

export function queueJson(model: Model, root: string): Record<string, unknown> {
  return {
    _class: 'hudson.model.Queue',
    discoverableItems: [],
    items: model.queued().map((item) => queueItemJson(model, item, root)),
  };
}

function artifactsJson(build: Build): Array<Record<string, string>> {
  if (!build.artifactsArchived) return [];
  return Object.keys(build.script.artifacts ?? {}).map((relativePath) => {
    const fileName = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    return { displayPath: fileName, fileName, relativePath };
  });
}

function estimatedDuration(job: JobState): number {
  const done = job.builds.find((b) => !b.building && b.result !== 'ABORTED');
  return done ? done.duration : -1;
}

export function buildJson(build: Build, root: string): Record<string, unknown> {
  return {
    _class: FREESTYLE_BUILD,
    actions: [...actionsJson(build.params, build.causes), {}],
    artifacts: artifactsJson(build),
    building: build.building,
    description: null,
    displayName: `#${build.number}`,
    duration: build.building ? 0 : build.duration,
    estimatedDuration: estimatedDuration(build.job),
    executor: build.inProgress ? {} : null,
    fullDisplayName: `${fullDisplayName(build.job.fullName)} #${build.number}`,
    id: String(build.number),
    inProgress: build.inProgress,
    keepLog: false,
    number: build.number,
    queueId: build.queueId,
    result: build.result,
    timestamp: build.timestamp,
    url: buildUrl(root, build),
    builtOn: '',
    changeSet: { _class: 'hudson.scm.EmptyChangeLogSet', items: [], kind: null },
    culprits: [],
  };
}

function buildRef(build: Build | undefined, root: string): Record<string, unknown> | null {
  return build ? { _class: FREESTYLE_BUILD, number: build.number, url: buildUrl(root, build) } : null;
}

function parameterDefinitionJson(p: EmulatorParameter): Record<string, unknown> {
  const type = p.type ?? 'string';
  let defaultValue: Record<string, unknown> | null;
  if (type === 'file') defaultValue = null;
  else if (type === 'password') defaultValue = { _class: valueClass[type], name: p.name };
  else defaultValue = parameterValueJson({ name: p.name, type, value: defaultString(p) });
  const json: Record<string, unknown> = {
    _class: `hudson.model.${definitionName[type]}`,
    defaultParameterValue: defaultValue,
    description: '',
    name: p.name,
    type: definitionName[type],
  };
  if (type === 'choice') json.choices = p.choices ?? [];
  return json;
}

/** The value a missing parameter gets: the default, the first choice, or ''/'false'. */
export function defaultString(p: EmulatorParameter): string {
  if ((p.type ?? 'string') === 'choice') {
    const d = typeof p.default === 'string' ? p.default : undefined;
    return d !== undefined && p.choices?.includes(d) ? d : (p.choices?.[0] ?? '');
  }
  if (p.type === 'boolean') return String(p.default === true || p.default === 'true');
  return p.default === undefined ? '' : String(p.default);
}

export function jobJson(model: Model, job: JobState, root: string, selection: BuildListSelection = buildListSelection(undefined)): Record<string, unknown> {
  const builds = job.builds;
  const estimate = estimatedDuration(job);
  const completed = builds.filter((b) => !b.building);
  const pick = (pred: (b: Build) => boolean) => buildRef(completed.find(pred), root);
  const queued = model.queued().find((i) => i.job === job);
  return {
    _class: FREESTYLE_JOB,
    actions: [{}, {}],
    description: '',
    displayName: job.shortName,
    displayNameOrNull: null,
    fullDisplayName: fullDisplayName(job.fullName),
    fullName: job.fullName,
    name: job.shortName,
    url: jobUrl(root, job.fullName),
    buildable: !job.def.disabled,
    // Richer than depth 0 so that one request answers "which build has queueId N".
    [selection.key]: selectBuilds(builds, selection).map((b) => ({
      _class: FREESTYLE_BUILD,
      number: b.number,
      url: buildUrl(root, b),
      queueId: b.queueId,
      timestamp: b.timestamp,
      result: b.result,
      building: b.building,
      inProgress: b.inProgress,
      duration: b.building ? 0 : b.duration,
      estimatedDuration: estimate,
      actions: actionsJson(b.params, b.causes).filter((a) => a._class === 'hudson.model.ParametersAction'),
    })),
    color: jobColor(job),
    firstBuild: buildRef(builds[builds.length - 1], root),
    healthReport: [],
    inQueue: queued !== undefined,
    keepDependencies: false,
    lastBuild: buildRef(builds[0], root),
    lastCompletedBuild: pick(() => true),
    lastFailedBuild: pick((b) => b.result === 'FAILURE'),
    lastStableBuild: pick((b) => b.result === 'SUCCESS'),
    lastSuccessfulBuild: pick((b) => b.result === 'SUCCESS' || b.result === 'UNSTABLE'),
    lastUnstableBuild: pick((b) => b.result === 'UNSTABLE'),
    lastUnsuccessfulBuild: pick((b) => b.result !== 'SUCCESS'),
    nextBuildNumber: job.nextBuildNumber,
    property: job.parameterized
      ? [
          {
            _class: 'hudson.model.ParametersDefinitionProperty',
            parameterDefinitions: (job.def.parameters ?? []).map(parameterDefinitionJson),
          },
        ]
      : [],
    queueItem: queued ? queueItemJson(model, queued, root, true) : null,
    concurrentBuild: job.def.concurrentBuild ?? false,
    disabled: job.def.disabled ?? false,
    downstreamProjects: [],
    labelExpression: null,
    scm: { _class: 'hudson.scm.NullSCM' },
    upstreamProjects: [],
  };
}

export function folderJson(model: Model, fullName: string, root: string): Record<string, unknown> {
  const name = fullName.slice(fullName.lastIndexOf('/') + 1);
  return {
    _class: FOLDER,
    actions: [{}],
    description: null,
    displayName: name,
    displayNameOrNull: null,
    fullDisplayName: fullDisplayName(fullName),
    fullName,
    name,
    url: jobUrl(root, fullName),
    healthReport: [],
    jobs: childrenJson(model, fullName, root),
    primaryView: { _class: 'hudson.model.AllView', name: 'All', url: jobUrl(root, fullName) },
    views: [{ _class: 'hudson.model.AllView', name: 'All', url: jobUrl(root, fullName) }],
  };
}

function childrenJson(model: Model, folder: string, root: string): Array<Record<string, unknown>> {
  return model.children(folder).map((c) =>
    c.job
      ? { _class: FREESTYLE_JOB, name: c.name, url: jobUrl(root, c.fullName), color: jobColor(c.job) }
      : { _class: FOLDER, name: c.name, url: jobUrl(root, c.fullName) },
  );
}

export function rootJson(model: Model, root: string, useCrumbs: boolean): Record<string, unknown> {
  return {
    _class: 'hudson.model.Hudson',
    assignedLabels: [{ name: 'built-in' }],
    mode: 'NORMAL',
    nodeDescription: 'the Jenkins controller\'s built-in node',
    nodeName: '',
    numExecutors: model.settings.executors,
    description: 'Jenkins emulator',
    jobs: childrenJson(model, '', root),
    quietingDown: false,
    slaveAgentPort: -1,
    url: `${root}/`,
    useCrumbs,
    useSecurity: true,
    views: [{ _class: 'hudson.model.AllView', name: 'all', url: `${root}/` }],
  };
}

export function computerJson(model: Model): Record<string, unknown> {
  const total = model.settings.executors;
  const busy = Math.min(total, model.busyExecutors());
  return {
    _class: 'hudson.model.ComputerSet',
    busyExecutors: busy,
    computer: [
      {
        _class: 'hudson.model.Hudson$MasterComputer',
        actions: [],
        displayName: 'Built-In Node',
        executors: Array.from({ length: total }, () => ({})),
        idle: busy === 0,
        jnlpAgent: false,
        launchSupported: true,
        manualLaunchAllowed: true,
        numExecutors: total,
        offline: false,
        offlineCause: null,
        offlineCauseReason: '',
        oneOffExecutors: [],
        temporarilyOffline: false,
      },
    ],
    displayName: 'Nodes',
    totalExecutors: total,
  };
}
