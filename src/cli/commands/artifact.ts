import { exitCodeOfFailure, FailureTypes } from '../../contract/failures.js';
import { RemoteJobHandle, RemoteTriggerError } from '../../handle.js';
import { defineCommand, withRuntime } from '../command.js';
import { COMMON_FLAGS, requireId, UsageError } from '../flags.js';
import { EXIT, log, printJson } from '../output.js';

/** `remote-trigger artifact ID PATH`: a file archived by the remote build, read through a worker. */
export const artifactCommand = defineCommand({
  name: 'artifact',
  args: 'ID PATH',
  positionals: 2,
  summary: 'print a file archived by the remote build',
  details: 'Read through a worker: no Jenkins credentials needed here. Exit 1 when the file or the build is missing.',
  flags: COMMON_FLAGS,
  examples: ['remote-trigger artifact nightly-2026-11-25 build-results.json'],
  async run({ values, positionals }) {
    const id = requireId(positionals);
    const file = positionals[1];
    if (!file) throw new UsageError('usage: remote-trigger artifact ID PATH', 'path');
    return withRuntime({ config: values.config, quiet: true }, async (runtime) => {
      try {
        const body = await new RemoteJobHandle(runtime.client, id).readFileFromBuildArchive(file);
        process.stdout.write(values.json ? `${JSON.stringify({ workflowId: id, path: file, content: body, error: null })}\n` : body);
        return EXIT.ok;
      } catch (e) {
        if (e instanceof RemoteTriggerError && (e.type === FailureTypes.ArtifactNotFound || e.type === FailureTypes.NoBuild)) {
          log(`remote-trigger: ${e.message}`);
          if (values.json) printJson({ workflowId: id, path: file, content: null, error: { type: e.type, message: e.message } });
          return exitCodeOfFailure(e.type);
        }
        throw e;
      }
    });
  },
});
