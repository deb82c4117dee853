import { GatewayError } from '../../errors/index.ts';
import type { JourneyPrediction } from '../analytics-types.ts';
import { findOutcome, sortJourneyEvents, takeSnapshot } from './journey-snapshot.ts';
import { scoreSnapshot } from './outcome-model.ts';
import { loadJourneyEvents, loadLatestOutcomeModel, type SchemaSession } from './outcome-model-table.ts';

/**
 * The probability that a journey completes, by the newest stored model, from what its events say
 * now (its current snapshot, time in state counted up to `now`). A journey that already ended has
 * a known outcome: 1 when complete, 0 when abandoned.
 * @throws GatewayError JOURNEY_EVENTS_NOT_FOUND when the journey has no event; PREDICTION_MODEL_UNAVAILABLE before the first model.
 */
export async function predictJourneyOutcome(sql: SchemaSession, journeyId: string, now: Date = new Date()): Promise<JourneyPrediction> {
  const events = sortJourneyEvents(await loadJourneyEvents(sql, journeyId));
  if (events.length === 0) throw new GatewayError('JOURNEY_EVENTS_NOT_FOUND', `No event of journey ${journeyId} is in the analytics tables`);
  const stored = await loadLatestOutcomeModel(sql);
  if (stored === undefined) throw new GatewayError('PREDICTION_MODEL_UNAVAILABLE');
  const { model } = stored;
  const outcome = findOutcome(events);
  const snapshot = takeSnapshot(events, Math.max(now.getTime(), events[events.length - 1]!.atMs));
  let completionProbability: number;
  if (outcome !== undefined) completionProbability = outcome === 'completed' ? 1 : 0;
  // Only NDC messages so far, before the first transition: the journey is as good as just started.
  else completionProbability = scoreSnapshot(model, snapshot ?? { channel: 'api', state: 'Journey_Init', secondsInState: 0, paymentFailures: 0 });
  return {
    journeyId,
    completionProbability,
    model: { trainedAt: stored.trainedAt, trainingJourneys: model.trainingJourneys, heldOutAuc: model.heldOutAuc ?? Number.NaN, features: model.features },
  };
}
