import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli, HOW_TO_GET_TEMPORAL } from '../../src/temporal/cli-path.js';

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

export async function startDevServer(opts: { dbFilename?: string; extraArgs?: string[] } = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireTemporalCli() },
      ip: '127.0.0.1',
      dbFilename: opts.dbFilename,
      log: { format: 'pretty', level: 'error' },
      extraArgs: opts.extraArgs,
    },
  });
}
