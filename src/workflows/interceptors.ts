// Workflow interceptors bundled with the workflow code (docs/design.md §15): OpenTelemetry spans
// for the workflow and the trace context carried to its activities in their headers, and the
// started/ended counts of the worker's metrics through a sink. Neither adds a command, so
// histories recorded without them replay unchanged; sinks are not called during replay.
import { OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import {
  ApplicationFailure,
  isCancellation,
  proxySinks,
  workflowInfo,
  type Next,
  type Sinks,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
} from '@temporalio/workflow';
import type { TriggerState } from './state.js';
import { WORKFLOW_TYPE } from './messages.js';

export interface TriggerMetricsSinks extends Sinks {
  remoteTriggerMetrics: {
    started(): void;
    ended(result: string): void;
  };
}

const { remoteTriggerMetrics } = proxySinks<TriggerMetricsSinks>();

/** The metric label of how a trigger ended: its Jenkins result, NOT_TRIGGERED, CANCELLED or ERROR. */
function endedAs(state: TriggerState | undefined): string {
  if (!state) return 'ERROR';
  return state.status === 'FINISHED' ? state.result : state.status === 'NOT_TRIGGERED' && !state.error ? 'NOT_TRIGGERED' : 'ERROR';
}

class TriggerMetricsInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (workflowInfo().workflowType !== WORKFLOW_TYPE) return next(input);
    remoteTriggerMetrics.started();
    try {
      const result = await next(input);
      remoteTriggerMetrics.ended(endedAs(result as TriggerState));
      return result;
    } catch (e) {
      if (isCancellation(e)) remoteTriggerMetrics.ended('CANCELLED');
      else remoteTriggerMetrics.ended(endedAs(e instanceof ApplicationFailure ? (e.details?.[0] as TriggerState | undefined) : undefined));
      throw e;
    }
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new OpenTelemetryInboundInterceptor(), new TriggerMetricsInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
