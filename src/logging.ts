import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { configureLogLines, logFormat, writeLog, type LogFormat } from './log-line.js';

export { logFormat, sdkMetricsUrl, setLogContext, writeLog, type LogFields, type LogFormat } from './log-line.js';

let installed = false;

/**
 * One short line per log entry on stderr: the SDK's default logger prints every metadata
 * field (task tokens included), which buries the few lines a CLI user wants. Activity lines
 * are prefixed with the trigger id, so lines of concurrent triggers on one worker stay apart.
 * With the json format, each entry is one object with the trigger id, job, build and trace id.
 */
export function installLogger(level: LogLevel, opts: { format?: LogFormat; sdkMetricsBind?: string } = {}): void {
  if (installed) return;
  installed = true;
  configureLogLines({ format: opts.format ?? 'text', sdkMetricsBind: opts.sdkMetricsBind ?? null });
  const format = logFormat();
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const meta = (entry.meta ?? {}) as {
        workflowId?: string;
        activityType?: string;
        attempt?: number;
        error?: unknown;
        trace_id?: string;
        job?: string;
        build?: number;
      };
      let text = entry.message;
      // "Activity failed" alone says nothing: name the activity, the attempt and the cause.
      if (entry.message === 'Activity failed' && meta.activityType) {
        text = `${meta.activityType} (attempt ${meta.attempt ?? '?'}) failed: ${(meta.error as Error | undefined)?.message ?? 'unknown error'}`;
      } else if (meta.error instanceof Error) {
        text = `${entry.message}: ${meta.error.message}`;
      }
      writeLog(entry.level, text, {
        // Artifact and console reads run as `<trigger id>/artifact/…` and `<trigger id>/console/…`.
        triggerId: (format === 'json' ? meta.workflowId?.split('/')[0] : meta.workflowId) ?? null,
        activity: meta.activityType,
        attempt: format === 'json' ? meta.attempt : undefined,
        job: meta.job,
        build: meta.build,
        traceId: meta.trace_id,
      });
    }),
    ...(opts.sdkMetricsBind ? { telemetryOptions: { metrics: { prometheus: { bindAddress: opts.sdkMetricsBind } } } } : {}),
  });
}
