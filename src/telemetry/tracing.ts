// Tracing (docs/design.md §15). A tracer provider is always installed, so every Jenkins request
// carries a W3C traceparent of the trigger's trace, as the plugin does; spans are exported over
// OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set.

import { context, propagation, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { HttpRequest, HttpResponse, RequestObserver } from '../jenkins/http.js';

export interface Tracing {
  tracer: Tracer;
  resource: Resource;
  /** What the workflow span sink hands its spans to (export or nothing). */
  spanProcessor: SpanProcessor;
  exporting: boolean;
  flush(): Promise<void>;
}

let installed: Tracing | null = null;

class MultiProcessor implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor[]) {}
  onStart(span: Parameters<SpanProcessor['onStart']>[0], ctx: Parameters<SpanProcessor['onStart']>[1]): void {
    for (const p of this.inner) p.onStart(span, ctx);
  }
  onEnd(span: Parameters<SpanProcessor['onEnd']>[0]): void {
    for (const p of this.inner) p.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.inner.map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.inner.map((p) => p.shutdown()));
  }
}

/** Installs the process-wide tracer provider once (idempotent); `service` names this process in traces. */
export function installTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (installed) return installed;
  // A process that set up OpenTelemetry itself (a library user's service) keeps its own provider,
  // propagator and exporters: our spans go there.
  const existing = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate?.();
  if (existing && existing.constructor.name !== 'NoopTracerProvider') {
    const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || service });
    installed = { tracer: trace.getTracer('remote-trigger'), resource, spanProcessor: new MultiProcessor([]), exporting: false, flush: async () => {} };
    return installed;
  }
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || service });
  const processors: SpanProcessor[] = exporting ? [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 500 })] : [];
  const spanProcessor = new MultiProcessor(processors);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  installed = {
    tracer: trace.getTracer('remote-trigger'),
    resource,
    spanProcessor,
    exporting,
    flush: () => provider.forceFlush(),
  };
  return installed;
}

/** The installed tracing, if any (the library installs it with its runtime, the worker at start). */
export function currentTracing(): Tracing | null {
  return installed;
}

/** Runs `fn` in a span of its own (a child of the active one, else a new trace). */
export async function inSpan<T>(name: string, attributes: Record<string, string | number | boolean>, fn: (span: Span) => Promise<T>): Promise<T> {
  const tracer = installed?.tracer ?? trace.getTracer('remote-trigger');
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** The trace id of the active span, for log lines; null outside a trace. */
export function activeTraceId(): string | null {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && ctx.traceId !== '00000000000000000000000000000000' ? ctx.traceId : null;
}

/** The URL without query (a `token=` may be in it) and without user info: safe as a span attribute. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

/**
 * One client span per Jenkins request, its context sent as `traceparent`. Further observers
 * (metrics) run inside it.
 */
export function tracingObserver(next?: RequestObserver): RequestObserver {
  return {
    around(req: HttpRequest, send: (extra: Record<string, string>) => Promise<HttpResponse>): Promise<HttpResponse> {
      const tracer = installed?.tracer ?? trace.getTracer('remote-trigger');
      const url = safeUrl(req.url);
      return tracer.startActiveSpan(
        `${req.method} ${new URL(url).pathname}`,
        { kind: SpanKind.CLIENT, attributes: { 'http.request.method': req.method, 'url.full': url, 'server.address': new URL(url).host } },
        async (span) => {
          const headers: Record<string, string> = {};
          propagation.inject(context.active(), headers);
          try {
            const res = await (next ? next.around(req, (extra) => send({ ...extra, ...headers })) : send(headers));
            span.setAttribute('http.response.status_code', res.status);
            if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
            return res;
          } catch (e) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).name });
            throw e;
          } finally {
            span.end();
          }
        },
      );
    },
  };
}
