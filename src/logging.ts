import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * One short line per log entry on stderr: the SDK's default logger prints every metadata
 * field (task tokens included), which buries the few lines a CLI user wants. Activity lines
 * are prefixed with the trigger id, so lines of concurrent triggers on one worker stay apart.
 */
export function installLogger(level: LogLevel): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const meta = (entry.meta ?? {}) as { workflowId?: string; activityType?: string; attempt?: number; error?: unknown };
      const who = meta.workflowId && meta.activityType ? `[${meta.workflowId}] ` : '';
      const tag = entry.level === 'INFO' ? '' : `${entry.level}: `;
      let text = entry.message;
      // "Activity failed" alone says nothing: name the activity, the attempt and the cause.
      if (entry.message === 'Activity failed' && meta.activityType) {
        text = `${meta.activityType} (attempt ${meta.attempt ?? '?'}) failed: ${(meta.error as Error | undefined)?.message ?? 'unknown error'}`;
      } else if (meta.error instanceof Error) {
        text = `${entry.message}: ${meta.error.message}`;
      }
      process.stderr.write(`${tag}${who}${text}\n`);
    }),
  });
}
