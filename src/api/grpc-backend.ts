import { randomUUID } from 'node:crypto';
import { type Client, type WorkflowExecutionInfo, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type Payload, defaultPayloadConverter } from '@temporalio/common';
import { grpcCodeOf } from '../errors.js';
import { BackendError, TRACE_HEADER, backendErrorOf, type Execution, type ExecutionStatus, type Outcome, type TemporalBackend } from '../edge/backend.js';

interface Failure {
  message?: string | null;
  applicationFailureInfo?: { type?: string | null; details?: { payloads?: Payload[] | null } | null } | null;
  cause?: Failure | null;
}

// Enum values of temporal.api.enums.v1 (the proto package is not a direct dependency).
const HISTORY_EVENT_FILTER_TYPE_ALL_EVENT = 1;
const HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT = 2;
const WORKFLOW_ID_CONFLICT_POLICY_FAIL = 1;
const WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING = 2;
const WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE = 3;

/**
 * The API's backend on the gRPC Client (Node only: `remote-trigger serve`). Same contract as the
 * HTTP API backend (src/edge/temporal-http.ts); test/edge runs one suite against both.
 */
export function grpcBackend(client: Client, o: { queryTimeoutMs?: number } = {}): TemporalBackend {
  const namespace = client.options.namespace;
  const service = client.workflowService;
  const queryTimeoutMs = o.queryTimeoutMs ?? 10_000;
  const decode = (p: Payload | null | undefined): unknown => (p ? defaultPayloadConverter.fromPayload(p) : undefined);

  const history = async (id: string, closeOnly: boolean) => {
    try {
      const r = await service.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId: id },
        maximumPageSize: closeOnly ? 0 : 1,
        historyEventFilterType: closeOnly ? HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT : HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
      });
      return r.history?.events ?? [];
    } catch (e) {
      throw mapError(e);
    }
  };

  return {
    async start(req) {
      try {
        const r = await service.startWorkflowExecution({
          namespace,
          workflowId: req.id,
          workflowType: { name: req.workflowType },
          taskQueue: { name: req.taskQueue },
          input: { payloads: [defaultPayloadConverter.toPayload(req.input)] },
          identity: 'remote-trigger-api',
          requestId: randomUUID(),
          workflowIdConflictPolicy: req.attach ? WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING : WORKFLOW_ID_CONFLICT_POLICY_FAIL,
          workflowIdReusePolicy: WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
          memo: req.memo ? { fields: Object.fromEntries(Object.entries(req.memo).map(([k, v]) => [k, defaultPayloadConverter.toPayload(v)])) } : undefined,
          header: req.trace ? { fields: { [TRACE_HEADER]: defaultPayloadConverter.toPayload(req.trace) } } : undefined,
        });
        return { started: r.started === true };
      } catch (e) {
        const err = mapError(e);
        if (err.kind === 'already-exists' && req.attach) return { started: false };
        throw err;
      }
    },

    async describe(id) {
      try {
        const d = await client.workflow.getHandle(id).describe();
        return executionOf(d, d.memo);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return null;
        throw mapError(e);
      }
    },

    async outcome(id) {
      const ev = (await history(id, true))[0];
      if (!ev) return null;
      if (ev.workflowExecutionCompletedEventAttributes) return { status: 'COMPLETED', result: decode(ev.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]) };
      if (ev.workflowExecutionFailedEventAttributes) {
        let f = ev.workflowExecutionFailedEventAttributes.failure as Failure | null | undefined;
        const top = f;
        while (f && !f.applicationFailureInfo && f.cause) f = f.cause;
        const app = f?.applicationFailureInfo ? f : top;
        return {
          status: 'FAILED',
          failure: { type: app?.applicationFailureInfo?.type ?? null, message: app?.message ?? '', details: decode(app?.applicationFailureInfo?.details?.payloads?.[0]) ?? null },
        } satisfies Outcome;
      }
      if (ev.workflowExecutionCanceledEventAttributes) return { status: 'CANCELED' };
      if (ev.workflowExecutionTerminatedEventAttributes) return { status: 'TERMINATED' };
      if (ev.workflowExecutionTimedOutEventAttributes) return { status: 'TIMED_OUT' };
      if (ev.workflowExecutionContinuedAsNewEventAttributes) return { status: 'CONTINUED_AS_NEW' };
      return null;
    },

    async input(id) {
      const ev = (await history(id, false))[0];
      return decode(ev?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]);
    },

    async query(id, name, args = []) {
      try {
        return await client.withDeadline(Date.now() + queryTimeoutMs, () => client.workflow.getHandle(id).query(name, ...args));
      } catch (e) {
        throw mapError(e);
      }
    },

    async update(id, name, args, updateId) {
      try {
        return await client.workflow.getHandle(id).executeUpdate(name, { args: args as [unknown, ...unknown[]], updateId });
      } catch (e) {
        if (e instanceof WorkflowUpdateFailedError) {
          const cause = e.cause instanceof ApplicationFailure ? e.cause : null;
          throw new BackendError('failed', cause?.message ?? e.message, cause?.type ?? null);
        }
        throw mapError(e);
      }
    },

    async signal(id, name, args) {
      try {
        await client.workflow.getHandle(id).signal(name, ...args);
      } catch (e) {
        throw mapError(e);
      }
    },

    async list(query, limit) {
      const out: Execution[] = [];
      try {
        for await (const w of client.workflow.list({ query, pageSize: Math.min(1000, limit) })) {
          out.push(executionOf(w, await w.memo));
          if (out.length >= limit) break;
        }
      } catch (e) {
        throw mapError(e);
      }
      return out;
    },

    async health() {
      try {
        await client.withDeadline(Date.now() + 5_000, () => service.getSystemInfo({}));
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** gRPC status codes to the backend's kinds (the HTTP backend maps the same codes). */
function mapError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (e instanceof WorkflowNotFoundError) return new BackendError('not-found', e.message);
  return backendErrorOf(grpcCodeOf(e), (e as Error).message ?? String(e));
}

/** The backend's view of an execution, from a describe or a list entry (the same fields). */
function executionOf(w: Omit<WorkflowExecutionInfo, 'raw' | 'memo'>, memo: Record<string, unknown> | undefined): Execution {
  return {
    id: w.workflowId,
    type: w.type,
    status: w.status.name as ExecutionStatus,
    taskQueue: w.taskQueue,
    startTime: w.startTime.toISOString(),
    closeTime: w.closeTime?.toISOString() ?? null,
    memo: memo ?? {},
  };
}
