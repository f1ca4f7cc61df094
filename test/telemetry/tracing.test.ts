import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { startOrAttach } from '../../src/client.js';
import { RemoteJobHandle } from '../../src/handle.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  service: string;
}

/** A real OTLP/HTTP receiver (JSON encoding) in the test process. */
class OtlpReceiver {
  readonly spans: ExportedSpan[] = [];
  private server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.method === 'POST') {
        const doc = JSON.parse(body) as {
          resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: ExportedSpan[] }> }>;
        };
        for (const rs of doc.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) for (const s of ss.spans) this.spans.push({ ...s, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
  byId(id: string): ExportedSpan | undefined {
    return this.spans.find((s) => s.spanId === id);
  }
  /** The chain of span names from `id` up to its root (root first). */
  chain(id: string): ExportedSpan[] {
    const out: ExportedSpan[] = [];
    for (let s = this.byId(id); s; s = s.parentSpanId ? this.byId(s.parentSpanId) : undefined) out.unshift(s);
    return out;
  }
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('tracing: one trace from the caller to every Jenkins request of a trigger', () => {
  const receiver = new OtlpReceiver();
  let h: Harness;
  let client: Client;
  before(async () => {
    // Read once, when the worker installs tracing: export to the in-process receiver.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = await receiver.start();
    h = await Harness.start({
      scenario: { jobs: [{ name: 'traced', parameters: [{ name: 'P' }], build: { durationMs: 1500, consoleLines: 3 } }] },
    });
    client = new Client({ connection: h.env.connection, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
  });
  after(async () => {
    await h?.teardown();
    await receiver.stop();
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  });

  async function run(p: string): Promise<{ traceId: string; parents: string[]; requests: number }> {
    const from = h.emulator.requests().length;
    const input = await h.input({ job: 'traced', remoteJenkinsUrl: h.emulator.url, parameters: { P: p }, pollInterval: 1, enhancedLogging: true });
    await startOrAttach(client, h.taskQueue, input);
    await new RemoteJobHandle(client, input.triggerId).result();
    const reqs = h.emulator.requests().slice(from);
    const ids = reqs.map((r) => {
      const m = TRACEPARENT.exec(r.headers.traceparent ?? '');
      assert.ok(m, `${r.method} ${r.path} carries a W3C traceparent (got ${r.headers.traceparent})`);
      return { traceId: m[1]!, parent: m[2]! };
    });
    const traceIds = new Set(ids.map((x) => x.traceId));
    assert.equal(traceIds.size, 1, `one trace id on every request of the trigger (${[...traceIds].join(', ')})`);
    // Every request has a span of its own.
    assert.equal(new Set(ids.map((x) => x.parent)).size, ids.length);
    return { traceId: [...traceIds][0]!, parents: ids.map((x) => x.parent), requests: reqs.length };
  }

  test('every Jenkins request carries the trace of its trigger; two triggers share none', async () => {
    const a = await run('a');
    const b = await run('b');
    assert.ok(a.requests >= 5 && b.requests >= 5, 'metadata, crumb, trigger, queue, build and console requests');
    assert.notEqual(a.traceId, b.traceId);

    // The span tree, as exported over OTLP: caller → workflow → activity → request.
    const last = a.parents.at(-1)!;
    const chain = await eventually(() => {
      const c = receiver.chain(last);
      return c.length > 0 && c[0]!.name === 'triggerRemoteJob' ? c : null;
    }, 'the spans of trigger a, up to the caller\'s', 30_000);
    const names = chain.map((s) => s.name);
    assert.equal(names[0], 'triggerRemoteJob');
    assert.equal(names[1], 'StartWorkflow:remoteTrigger');
    assert.equal(names[2], 'RunWorkflow:remoteTrigger');
    assert.ok(names.includes('RunActivity:watchBuild'), names.join(' → '));
    assert.match(names.at(-1)!, /^GET \/job\/traced\/1\/logText\/progressiveText$/);
    assert.ok(chain.every((s) => s.traceId === a.traceId));
    // Every request's span is in that tree.
    for (const parent of a.parents) {
      const c = await eventually(() => (receiver.chain(parent)[0]?.name === 'triggerRemoteJob' ? receiver.chain(parent) : null), `span ${parent}`, 30_000);
      assert.ok(c.some((s) => s.name.startsWith('RunActivity:')));
    }
    // No URL with a query (a token may be in it) is exported.
    for (const s of receiver.spans) for (const attr of s.attributes) assert.doesNotMatch(JSON.stringify(attr.value), /[?&]token=/);
  });
});
