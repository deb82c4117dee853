import express from 'express';
import type { AnalyticsSql } from '../analytics/journey-event-recorder.ts';
import { predictJourneyOutcome } from '../analytics/prediction/journey-outcome-prediction.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { AnalyticsExtension } from './analytics.route.ts';
import { answerJson } from './json-answer.ts';
import { sendJsonError } from './one-order.route.ts';

const failure = (description: string): Record<string, unknown> => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/**
 * `GET /api/v1/analytics/journey/prediction/{journey_id}`, mounted inside the analytics API (its
 * key and permission checks apply): the probability that the journey completes, by the newest
 * model the retrain job stored.
 */
export function createJourneyPredictionExtension(deps: { readonly sql: AnalyticsSql; readonly metrics: Pick<GatewayMetrics, 'observeRequest'> }): AnalyticsExtension {
  const router = express.Router();
  router.get('/:journeyId', answerJson({ metrics: deps.metrics, name: 'analytics', version: 'rest', sendError: sendJsonError }, 'prediction', async (req, res) => {
    res.json(await predictJourneyOutcome(await deps.sql(), String(req.params.journeyId)));
  }));
  return {
    mountPath: '/journey/prediction',
    router,
    paths: {
      '/journey/prediction/{journey_id}': {
        get: {
          operationId: 'getJourneyPrediction',
          summary: 'Probability that a journey completes',
          description: 'From a logistic regression trained on the finished journeys of the analytics tables (channel, state, time in the state, payment failures, party size, days to departure) and retrained by a job. A running journey is scored from what its events say now; a finished one answers 1 (complete) or 0 (abandoned). The model\'s held-out AUC is measured within a state: see docs/analytics-prediction.md.',
          tags: ['Analytics'],
          parameters: [{ name: 'journey_id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: { description: 'The prediction and the model that made it.', content: { 'application/json': { schema: { $ref: '#/components/schemas/JourneyPrediction' } } } },
            401: failure('AUTH_REQUIRED: no valid API key.'),
            403: failure('MESSAGE_NOT_ALLOWED: the client is not declared with "analytics": true.'),
            404: failure('JOURNEY_EVENTS_NOT_FOUND: the analytics tables hold no event of this journey.'),
            503: failure('PREDICTION_MODEL_UNAVAILABLE: no model is trained yet (fewer finished journeys than PREDICTION_MIN_JOURNEYS so far); or GATEWAY_BUSY.'),
          },
        },
      },
    },
    schemas: {
      JourneyPrediction: {
        type: 'object',
        required: ['journeyId', 'completionProbability', 'model'],
        properties: {
          journeyId: { type: 'string' },
          completionProbability: { type: 'number', minimum: 0, maximum: 1 },
          model: {
            type: 'object',
            required: ['trainedAt', 'trainingJourneys', 'heldOutAuc', 'features'],
            properties: {
              trainedAt: { type: 'string', format: 'date-time' },
              trainingJourneys: { type: 'integer', description: 'Finished journeys the model was fitted on.' },
              heldOutAuc: { type: 'number', description: 'AUC on the held-out journeys (20%, by a hash of the journey id), over pairs of snapshots in the same state.' },
              features: { type: 'array', items: { type: 'string' }, description: 'The model\'s input columns.' },
            },
          },
        },
      },
    },
  };
}
