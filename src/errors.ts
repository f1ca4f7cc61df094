import { WorkflowNotFoundError } from '@temporalio/client';
import { FailureError, FailureTypes } from './contract/failures.js';

/** The gRPC status code of an error from Temporal's client, looked for along its causes. */
export function grpcCodeOf(e: unknown): number | undefined {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
    const v = (c as { code?: unknown }).code;
    if (typeof v === 'number') return v;
  }
  return undefined;
}

const GRPC_UNREACHABLE = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/**
 * Anything the library or Temporal's client threw, as an error with a failure type
 * (src/contract/failures.ts): this package's errors carry theirs; Temporal's are typed by their
 * class and gRPC status code, never by their message; anything else is Unexpected.
 */
export function failureOf(e: unknown): FailureError {
  if (e instanceof FailureError) return e;
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof WorkflowNotFoundError) return new FailureError(message, FailureTypes.NotFound);
  const code = grpcCodeOf(e);
  if (code !== undefined && GRPC_UNREACHABLE.has(code)) return new FailureError(`cannot reach Temporal: ${message}`, FailureTypes.TemporalUnreachable);
  return new FailureError(message, FailureTypes.Unexpected);
}
