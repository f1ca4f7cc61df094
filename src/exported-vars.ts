import type { TriggerState } from './workflows/state.js';

/**
 * The plugin's exported variables (docs/plugin-compat.md §13), derived from finished or running
 * triggers in the order they were triggered, for shell scripts (`--export-env`).
 * TRIGGERED_JOB_NAMES, which the plugin declares but never sets, is set here.
 */
export function exportedVariables(states: TriggerState[]): Array<[string, string]> {
  const vars = new Map<string, string>();
  const runs = new Map<string, TriggerState[]>();
  for (const s of states) {
    const project = s.jobName ?? s.job;
    const list = runs.get(project) ?? [];
    list.push(s);
    runs.delete(project); // re-triggering a project moves it to the end
    runs.set(project, list);
  }
  for (const [project, list] of runs) {
    const p = project.replace(/[^A-Za-z0-9]+/g, '_');
    const last = list[list.length - 1]!;
    vars.set('LAST_TRIGGERED_JOB_NAME', project);
    vars.set(`TRIGGERED_BUILD_NUMBER_${p}`, String(last.buildNumber ?? 0));
    vars.set(`TRIGGERED_BUILD_URL_${p}`, last.buildUrl ?? '');
    vars.set(`TRIGGERED_BUILD_RESULT_${p}`, last.result);
    vars.set(`TRIGGERED_BUILD_NUMBERS_${p}`, list.map((s) => s.buildNumber ?? 0).join(','));
    vars.set(`TRIGGERED_BUILD_RUN_COUNT_${p}`, String(list.length));
    for (const s of list) vars.set(`TRIGGERED_BUILD_RESULT_${p}_RUN_${s.buildNumber ?? 0}`, s.result);
  }
  vars.set('TRIGGERED_JOB_NAMES', [...runs.keys()].join(','));
  return [...vars];
}

/** Shell-sourceable KEY='value' lines. */
export function formatEnvFile(vars: Array<[string, string]>): string {
  return vars.map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`).join('\n') + '\n';
}
