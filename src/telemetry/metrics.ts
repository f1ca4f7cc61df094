// The worker's own metrics (README, "Metrics"), in Prometheus text. Label values are bounded and
// never carry a secret: host (origin host:port), HTTP method, status class, result, phase.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest, HttpResponse, RequestObserver } from '../jenkins/http.js';

export const METRIC_NAMES = {
  started: 'remote_trigger_triggers_started_total',
  ended: 'remote_trigger_triggers_ended_total',
  requests: 'remote_trigger_jenkins_requests_total',
  pollLateness: 'remote_trigger_poll_lateness_seconds',
  waiting: 'remote_trigger_triggers_waiting',
} as const;

const LATENESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Labels = Record<string, string>;
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

export class TriggerMetrics {
  private readonly counters = new Map<string, Map<string, { labels: Labels; value: number }>>();
  private readonly gauges = new Map<string, { labels: Labels; value: number }>();
  private readonly lateness = { buckets: LATENESS_BUCKETS.map(() => 0), sum: 0, count: 0 };

  private add(name: string, labels: Labels, by = 1): void {
    let m = this.counters.get(name);
    if (!m) this.counters.set(name, (m = new Map()));
    const k = key(labels);
    const entry = m.get(k) ?? { labels, value: 0 };
    entry.value += by;
    m.set(k, entry);
  }

  triggerStarted(): void {
    this.add(METRIC_NAMES.started, {});
  }

  triggerEnded(result: string): void {
    this.add(METRIC_NAMES.ended, { result });
  }

  jenkinsRequest(host: string, method: string, statusClass: string): void {
    this.add(METRIC_NAMES.requests, { host, method, status_class: statusClass });
  }

  /** How late a poll ran against the delay it was scheduled with, in ms (negative counts as 0). */
  pollLate(ms: number): void {
    const s = Math.max(0, ms) / 1000;
    LATENESS_BUCKETS.forEach((b, i) => {
      if (s <= b) this.lateness.buckets[i]! += 1;
    });
    this.lateness.sum += s;
    this.lateness.count += 1;
  }

  /** Counts triggers waiting in `phase` (idle, queue, build): +1 when a wait starts, -1 when it ends. */
  waitingChanged(phase: string, delta: number): void {
    const g = this.gauges.get(phase) ?? { labels: { phase }, value: 0 };
    this.gauges.set(phase, g);
    g.value += delta;
  }

  /** Wraps Jenkins requests (inside the tracing span) to count them by host, method and status class. */
  requestObserver(): RequestObserver {
    return {
      around: async (req: HttpRequest, send: (extra: Record<string, string>) => Promise<HttpResponse>) => {
        let host = 'invalid';
        try {
          host = new URL(req.url).host;
        } catch {
          /* counted as invalid */
        }
        try {
          const res = await send({});
          this.jenkinsRequest(host, req.method, `${Math.floor(res.status / 100)}xx`);
          return res;
        } catch (e) {
          this.jenkinsRequest(host, req.method, 'error');
          throw e;
        }
      },
    };
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    const help: Record<string, [string, string]> = {
      [METRIC_NAMES.started]: ['counter', 'Triggers this worker started running.'],
      [METRIC_NAMES.ended]: ['counter', 'Triggers that ended on this worker, by result (a Jenkins result, NOT_TRIGGERED, CANCELLED or ERROR).'],
      [METRIC_NAMES.requests]: ['counter', 'HTTP requests to Jenkins by host, method and status class (2xx … 5xx, error).'],
    };
    for (const name of [METRIC_NAMES.started, METRIC_NAMES.ended, METRIC_NAMES.requests]) {
      const [type, text] = help[name]!;
      lines.push(`# HELP ${name} ${text}`, `# TYPE ${name} ${type}`);
      const series = [...(this.counters.get(name)?.values() ?? [])];
      if (series.length === 0 && name === METRIC_NAMES.started) lines.push(`${name} 0`);
      for (const s of series) lines.push(`${name}${fmt(s.labels)} ${s.value}`);
    }
    const w = METRIC_NAMES.waiting;
    lines.push(`# HELP ${w} Triggers currently waiting on this worker, by phase (idle: for the job to be idle, queue, build).`, `# TYPE ${w} gauge`);
    for (const phase of ['idle', 'queue', 'build']) lines.push(`${w}${fmt({ phase })} ${this.gauges.get(phase)?.value ?? 0}`);
    const l = METRIC_NAMES.pollLateness;
    lines.push(`# HELP ${l} How much later than scheduled each Jenkins poll ran.`, `# TYPE ${l} histogram`);
    LATENESS_BUCKETS.forEach((b, i) => lines.push(`${l}_bucket{le="${b}"} ${this.lateness.buckets[i]}`));
    lines.push(`${l}_bucket{le="+Inf"} ${this.lateness.count}`, `${l}_sum ${this.lateness.sum}`, `${l}_count ${this.lateness.count}`);
    return `${lines.join('\n')}\n`;
  }
}

function fmt(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

/**
 * Serves GET /metrics: the SDK's runtime metrics (read from the Core exporter bound on
 * `sdkMetricsUrl`, when there is one) followed by the worker's own.
 */
export async function serveMetrics(metrics: TriggerMetrics, port: number, host: string, sdkMetricsUrl: string | null): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    let sdk = '';
    if (sdkMetricsUrl) {
      try {
        const r = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(5000) });
        sdk = await r.text();
        if (sdk && !sdk.endsWith('\n')) sdk += '\n';
      } catch (e) {
        sdk = `# the SDK's runtime metrics are unavailable: ${(e as Error).message.replace(/\n/g, ' ')}\n`;
      }
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(sdk + metrics.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

export function boundPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
