import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli, HOW_TO_GET_TEMPORAL } from '../../src/temporal/cli-path.js';
import { SEARCH_ATTRIBUTES } from '../../src/search-attributes.js';

/**
 * A real Temporal dev server for a test file, started through @temporalio/testing with the
 * `temporal` binary ($TEMPORAL_CLI_PATH or PATH). There is no mock and no skip: without the
 * binary the suite fails and says how to get it.
 */
export function requireTemporalCli(): string {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`Integration tests need a real Temporal dev server.\n${HOW_TO_GET_TEMPORAL}`);
  return cli;
}

/** With `searchAttributes`, the trigger's search attributes are registered at start, as the embedded server does. */
export async function startDevServer(opts: { dbFilename?: string; extraArgs?: string[]; searchAttributes?: boolean } = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireTemporalCli() },
      ip: '127.0.0.1',
      dbFilename: opts.dbFilename,
      log: { format: 'pretty', level: 'error' },
      extraArgs: opts.extraArgs,
      searchAttributes: opts.searchAttributes ? Object.values(SEARCH_ATTRIBUTES) : undefined,
    },
  });
}

/**
 * Starts `remoteTrigger` through Temporal's HTTP API (a dev server started with --http-port), as
 * an edge function or another language would: no SDK, only JSON over HTTP.
 */
export async function startOverHttpApi(api: string, taskQueue: string, id: string, input: unknown): Promise<void> {
  const r = await fetch(`${api}/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflowType: { name: 'remoteTrigger' }, taskQueue: { name: taskQueue }, input: [input], requestId: `${id}-req` }),
  });
  if (r.status !== 200) throw new Error(`HTTP API start of ${id}: ${r.status} ${await r.text()}`);
}
