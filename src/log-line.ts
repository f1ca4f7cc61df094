// Log lines in the chosen format (text, or one JSON object per line), free of SDK imports so that
// the library's client code can use it.

/** `--log-format`: text lines (default) or one JSON object per line (README, "Logs"). */
export type LogFormat = 'text' | 'json';
let format: LogFormat = 'text';
let sdkMetricsAddress: string | null = null;

/** Set once by installLogger. */
export function configureLogLines(opts: { format: LogFormat; sdkMetricsBind: string | null }): void {
  format = opts.format;
  sdkMetricsAddress = opts.sdkMetricsBind;
}

export function logFormat(): LogFormat {
  return format;
}

/** Where the SDK's own Prometheus exporter listens (set with `sdkMetricsBind`), for the worker's /metrics. */
export function sdkMetricsUrl(): string | null {
  return sdkMetricsAddress ? `http://${sdkMetricsAddress}/metrics` : null;
}

/** The fields a JSON log line carries besides time, level and message (never a secret). */
export interface LogFields {
  triggerId?: string | null;
  job?: string | null;
  build?: number | null;
  traceId?: string | null;
  [k: string]: unknown;
}

let context: LogFields = {};
/** Fields every later JSON line of this process carries unless it names its own (the CLI's trigger). */
export function setLogContext(fields: LogFields): void {
  context = { ...context, ...fields };
}

/** One log line on stderr, in the chosen format. */
export function writeLog(level: string, message: string, fields: LogFields = {}): void {
  if (format === 'json') {
    const clean = Object.fromEntries(Object.entries({ ...context, ...fields }).filter(([, v]) => v !== undefined && v !== null));
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...clean })}\n`);
    return;
  }
  const tag = level === 'INFO' ? '' : `${level}: `;
  const who = fields.triggerId && fields.activity ? `[${fields.triggerId}] ` : '';
  process.stderr.write(`${tag}${who}${message}\n`);
}

