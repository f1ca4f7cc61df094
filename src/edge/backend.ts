// The small interface the API needs from Temporal. Two implementations: Temporal's HTTP API
// through fetch (temporal-http.ts, runs anywhere), and the gRPC Client (src/api/grpc-backend.ts,
// Node only, outside this module graph). The same contract tests run against both.

export type ExecutionStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'CONTINUED_AS_NEW' | 'TIMED_OUT' | 'UNSPECIFIED';

export interface Execution {
  id: string;
  type: string;
  status: ExecutionStatus;
  taskQueue: string;
  startTime: string | null;
  closeTime: string | null;
  /** Memo fields as plain JSON values. */
  memo: Record<string, unknown>;
}

/** How a closed workflow ended: its result, or its failure (type, message, first detail). */
export interface Outcome {
  status: ExecutionStatus;
  result?: unknown;
  failure?: { type: string | null; message: string; details: unknown };
}

export interface StartRequest {
  id: string;
  workflowType: string;
  taskQueue: string;
  input: unknown;
  memo?: Record<string, unknown>;
  /** Attach to a running execution of that id instead of failing (USE_EXISTING). */
  attach: boolean;
  /**
   * The caller's W3C trace context (`traceparent`, `tracestate`), handed to the workflow in the
   * header the worker's OpenTelemetry interceptors read, so the trigger joins the caller's trace.
   */
  trace?: Record<string, string>;
}

/** The workflow header that carries a trace context (the OpenTelemetry interceptors' key). */
export const TRACE_HEADER = '_tracer-data';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The W3C trace context of a request, when it carries a valid one. */
export function traceContextOf(headers: Headers): Record<string, string> | undefined {
  const traceparent = headers.get('traceparent')?.trim().toLowerCase();
  if (!traceparent || !TRACEPARENT.test(traceparent) || /^00-0{32}-/.test(traceparent)) return undefined;
  const tracestate = headers.get('tracestate');
  return tracestate && tracestate.length <= 512 ? { traceparent, tracestate } : { traceparent };
}

export interface TemporalBackend {
  /** started: false when an execution of that id existed (running, or closed and not reusable). */
  start(req: StartRequest): Promise<{ started: boolean }>;
  /** Null for an unknown id. */
  describe(id: string): Promise<Execution | null>;
  /** The close event of a closed execution, or null while it runs. */
  outcome(id: string): Promise<Outcome | null>;
  /** The first argument the execution was started with. */
  input(id: string): Promise<unknown>;
  query(id: string, name: string, args?: unknown[]): Promise<unknown>;
  /** Sends an update and waits for its result (the same updateId again returns the same result). */
  update(id: string, name: string, args: unknown[], updateId: string): Promise<unknown>;
  signal(id: string, name: string, args: unknown[]): Promise<void>;
  /** Executions matching a visibility query, newest first. */
  list(query: string, limit: number): Promise<Execution[]>;
  /** Whether Temporal answers at all (for /v1/health). */
  health(): Promise<boolean>;
}

/** What a backend call can fail with, independent of the transport. */
/** A Temporal gRPC status code (both backends see them: the HTTP API passes them through). */
export function backendErrorOf(code: number | undefined, message: string, fallback: BackendError['kind'] = 'failed'): BackendError {
  const kinds: Record<number, BackendError['kind']> = { 5: 'not-found', 6: 'already-exists', 9: 'closed', 4: 'no-worker', 14: 'unavailable' };
  return new BackendError((code !== undefined && kinds[code]) || fallback, message);
}

export class BackendError extends Error {
  override name = 'BackendError';
  constructor(
    readonly kind: 'not-found' | 'already-exists' | 'closed' | 'no-worker' | 'failed' | 'unavailable',
    message: string,
    /** An application failure's type (update or query handler failures). */
    readonly failureType: string | null = null,
  ) {
    super(message);
  }
}
