// The backend on Temporal's HTTP API (grpc-gateway over the frontend's WorkflowService, served
// on the frontend's HTTP port; the dev server opens it with `--http-port`), with `fetch` only.
// Payloads travel in the API's shorthand: plain JSON values instead of base64 payloads.

import { BackendError, TRACE_HEADER, backendErrorOf, type Execution, type ExecutionStatus, type Outcome, type StartRequest, type TemporalBackend } from './backend.js';

export interface TemporalHttpOptions {
  /** e.g. http://127.0.0.1:7243 (TEMPORAL_HTTP_URL) */
  url: string;
  namespace?: string;
  /** Sent as `Authorization: Bearer <apiKey>` (TEMPORAL_API_KEY). */
  apiKey?: string;
  /** How long a query may wait for a worker before the call fails with `no-worker`. */
  queryTimeoutMs?: number;
  fetch?: typeof fetch;
}

interface RpcError {
  code?: number;
  message?: string;
}

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

export function temporalHttpBackend(o: TemporalHttpOptions): TemporalBackend {
  const base = `${o.url.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(o.namespace ?? 'default')}`;
  const doFetch = o.fetch ?? fetch;
  const queryTimeoutMs = o.queryTimeoutMs ?? 10_000;
  const wf = (id: string) => `${base}/workflows/${encodeURIComponent(id)}`;

  async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    let r: Response;
    try {
      r = await doFetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new BackendError('no-worker', `Temporal did not answer within ${timeoutMs / 1000} s`);
      throw new BackendError('unavailable', `Temporal's HTTP API is unreachable: ${(e as Error).message}`);
    }
    const text = await r.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new BackendError('unavailable', `Temporal's HTTP API answered HTTP ${r.status} with a body that is not JSON`);
    }
    if (!r.ok) throw rpcError(r.status, json as RpcError);
    return json as T;
  }

  const toExecution = (info: RawExecutionInfo, taskQueue?: string): Execution => ({
    id: info.execution?.workflowId ?? '',
    type: info.type?.name ?? '',
    status: statusOf(info.status),
    taskQueue: taskQueue ?? info.taskQueue ?? '',
    startTime: info.startTime ?? null,
    closeTime: info.closeTime ?? null,
    memo: (info.memo?.fields as Record<string, unknown> | undefined) ?? {},
  });

  return {
    async start(req: StartRequest) {
      try {
        const r = await call<{ started?: boolean }>('POST', wf(req.id), {
          workflowType: { name: req.workflowType },
          taskQueue: { name: req.taskQueue },
          input: [req.input],
          requestId: crypto.randomUUID(),
          workflowIdConflictPolicy: req.attach ? 'WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING' : 'WORKFLOW_ID_CONFLICT_POLICY_FAIL',
          workflowIdReusePolicy: 'WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE',
          ...(req.memo ? { memo: { fields: req.memo } } : {}),
          // A Payload in its JSON form: metadata.encoding and data are base64.
          ...(req.trace ? { header: { fields: { [TRACE_HEADER]: { metadata: { encoding: btoa('json/plain') }, data: btoa(JSON.stringify(req.trace)) } } } } : {}),
        });
        return { started: r.started === true };
      } catch (e) {
        // A closed execution of that id: the reuse policy keeps it, and the caller attaches to it.
        if (e instanceof BackendError && e.kind === 'already-exists' && req.attach) return { started: false };
        throw e;
      }
    },

    async describe(id) {
      try {
        const r = await call<{ executionConfig?: { taskQueue?: { name?: string } }; workflowExecutionInfo: RawExecutionInfo }>('GET', wf(id));
        return toExecution(r.workflowExecutionInfo, r.executionConfig?.taskQueue?.name);
      } catch (e) {
        if (e instanceof BackendError && e.kind === 'not-found') return null;
        throw e;
      }
    },

    async outcome(id) {
      const r = await call<{ history?: { events?: RawEvent[] } }>('GET', `${wf(id)}/history?historyEventFilterType=HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT`);
      const ev = r.history?.events?.[0];
      return ev ? outcomeOf(ev) : null;
    },

    async input(id) {
      const r = await call<{ history?: { events?: RawEvent[] } }>('GET', `${wf(id)}/history?maximumPageSize=1`);
      const started = r.history?.events?.[0]?.workflowExecutionStartedEventAttributes as { input?: unknown[] } | undefined;
      return started?.input?.[0];
    },

    async query(id, name, args = []) {
      const r = await call<{ queryResult?: unknown[]; queryRejected?: unknown }>('POST', `${wf(id)}/query/${encodeURIComponent(name)}`, { query: { queryArgs: args } }, queryTimeoutMs);
      return r.queryResult?.[0];
    },

    async update(id, name, args, updateId) {
      // The server holds the call at most about a minute; until the update completed, the same
      // updateId again returns the same update (never a second one).
      const deadline = Date.now() + 120_000;
      for (;;) {
        const r = await call<{ outcome?: { success?: unknown[]; failure?: RawFailure } }>(
          'POST',
          `${wf(id)}/update/${encodeURIComponent(name)}`,
          {
            request: { meta: { updateId, identity: 'remote-trigger-api' }, input: { args } },
            waitPolicy: { lifecycleStage: 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED' },
          },
          70_000,
        );
        if (r.outcome?.failure) throw new BackendError('failed', r.outcome.failure.message ?? 'update failed', r.outcome.failure.applicationFailureInfo?.type ?? null);
        if (r.outcome) return r.outcome.success?.[0];
        if (Date.now() > deadline) throw new BackendError('no-worker', `update ${name} did not complete within 120 s`);
      }
    },

    async signal(id, name, args) {
      await call('POST', `${wf(id)}/signal/${encodeURIComponent(name)}`, { input: args });
    },

    async list(query, limit) {
      const out: Execution[] = [];
      let token: string | undefined;
      do {
        const params = new URLSearchParams({ query, pageSize: String(Math.min(1000, limit)) });
        if (token) params.set('nextPageToken', token);
        const r = await call<{ executions?: RawExecutionInfo[]; nextPageToken?: string }>('GET', `${base}/workflows?${params}`);
        for (const e of r.executions ?? []) out.push(toExecution(e));
        token = r.nextPageToken || undefined;
      } while (token && out.length < limit);
      return out.slice(0, limit);
    },

    async health() {
      try {
        await call('GET', base, undefined, 5_000);
        return true;
      } catch {
        return false;
      }
    },
  };
}

interface RawExecutionInfo {
  execution?: { workflowId?: string };
  type?: { name?: string };
  status?: string;
  taskQueue?: string;
  startTime?: string;
  closeTime?: string;
  memo?: { fields?: unknown };
}

interface RawFailure {
  message?: string;
  applicationFailureInfo?: { type?: string; details?: unknown[] };
  cause?: RawFailure;
}

type RawEvent = Record<string, unknown> & { eventType?: string };

function statusOf(s: string | undefined): ExecutionStatus {
  const v = (s ?? '').replace(STATUS_PREFIX, '');
  return (['RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'] as const).find((x) => x === v) ?? 'UNSPECIFIED';
}

function outcomeOf(ev: RawEvent): Outcome | null {
  const attrs = (k: string) => ev[k] as Record<string, unknown> | undefined;
  const done = attrs('workflowExecutionCompletedEventAttributes');
  if (done) return { status: 'COMPLETED', result: (done.result as unknown[] | undefined)?.[0] };
  const failed = attrs('workflowExecutionFailedEventAttributes');
  if (failed) {
    // An activity's failure arrives wrapped (ActivityFailure → ApplicationFailure): the first
    // application failure down the cause chain says what happened.
    let f = failed.failure as RawFailure | undefined;
    const top = f;
    while (f && !f.applicationFailureInfo && f.cause) f = f.cause;
    const app = f?.applicationFailureInfo ? f : top;
    return { status: 'FAILED', failure: { type: app?.applicationFailureInfo?.type ?? null, message: app?.message ?? '', details: app?.applicationFailureInfo?.details?.[0] ?? null } };
  }
  if (attrs('workflowExecutionCanceledEventAttributes')) return { status: 'CANCELED' };
  if (attrs('workflowExecutionTerminatedEventAttributes')) return { status: 'TERMINATED' };
  if (attrs('workflowExecutionTimedOutEventAttributes')) return { status: 'TIMED_OUT' };
  if (attrs('workflowExecutionContinuedAsNewEventAttributes')) return { status: 'CONTINUED_AS_NEW' };
  return null;
}

function rpcError(httpStatus: number, e: RpcError): BackendError {
  const message = e?.message ?? `HTTP ${httpStatus}`;
  return backendErrorOf(e?.code, message, httpStatus === 404 ? 'not-found' : 'failed');
}
