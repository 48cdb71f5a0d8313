import { ACTION_SCHEMA } from '../agents/act/act-handler.js';
import { ANOMALY_SCHEMA } from '../agents/detect/detect-handler.js';
import { CONTEXT_SCHEMA } from '../agents/memory/memory-handler.js';
import { HYPOTHESIS_SCHEMA } from '../agents/reason/reason-handler.js';
import type { Correlation, OutputCorrelator } from '../consumers/stage-telemetry.js';
import type { ActionEvent } from '../model/action-event.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { ContextEvent } from '../model/context-event.js';
import type { HypothesisEvent } from '../model/hypothesis-event.js';

/**
 * The correlation ids an agent-chain event carries, read from its value by schema: an anomaly names itself,
 * a context its anomaly, a hypothesis revision its triggering anomaly and its incident, an action its
 * incident (its anomaly id comes from the input record's header). Other outputs establish none.
 */
export const correlationOfOutput: OutputCorrelator = (output): Correlation | undefined => {
  switch (output.schema) {
    case ANOMALY_SCHEMA:
      return { correlationId: (output.value as AnomalyEvent).id };
    case CONTEXT_SCHEMA:
      return { correlationId: (output.value as ContextEvent).anomaly.id };
    case HYPOTHESIS_SCHEMA: {
      const event = output.value as HypothesisEvent;
      return { correlationId: event.trigger.anomaly.id, incidentId: event.incident.id };
    }
    case ACTION_SCHEMA:
      return { incidentId: (output.value as ActionEvent).incidentId };
    default:
      return undefined;
  }
};
