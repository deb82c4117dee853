import type { AbandonReason, JourneyChannel, JourneyState } from '../journeys/journey-states.ts';

/**
 * The answers of the analytics API (`/api/v1/analytics/...`), as the dashboard reads them. Every
 * figure comes from the analytics tables with SQL.
 */

/** The window and filters every analytics query takes (query string: from, to, channel, clientId, experiment, variant). */
export interface AnalyticsFilter {
  readonly from: string;
  readonly to: string;
  readonly channel?: JourneyChannel;
  readonly clientId?: string;
  readonly experiment?: string;
  readonly variant?: string;
}

/** `GET /api/v1/analytics/journey/funnel` */
export interface FunnelReport {
  readonly filter: AnalyticsFilter;
  readonly steps: readonly {
    readonly state: JourneyState;
    /** Journeys that reached this state in the window. */
    readonly reached: number;
    /** reached(next) / reached(this); absent on the last step. */
    readonly conversionToNext?: number;
  }[];
  readonly dropOff: readonly { readonly state: JourneyState; readonly reason: AbandonReason; readonly journeys: number }[];
}

export interface LatencyFigures {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Share of outcomes that are errors (NDC messages), 0 for steps. */
  readonly errorRate: number;
}

/** `GET /api/v1/analytics/journey/performance` */
export interface PerformanceReport {
  readonly filter: AnalyticsFilter;
  /** Time spent in each state before leaving it. */
  readonly steps: readonly ({ readonly state: JourneyState } & LatencyFigures)[];
  readonly messages: readonly ({ readonly message: string } & LatencyFigures)[];
}

/** `GET /api/v1/analytics/conversion/rate` */
export interface ConversionReport {
  readonly filter: AnalyticsFilter;
  /** Completed over started, per channel, client and day (UTC). */
  readonly rates: readonly { readonly day: string; readonly channel: JourneyChannel; readonly clientId: string; readonly started: number; readonly completed: number; readonly rate: number }[];
  /** Searches per order, per client. */
  readonly lookToBook: readonly { readonly clientId: string; readonly searches: number; readonly orders: number; readonly ratio: number | null }[];
}

export interface ExperimentVariant {
  readonly name: string;
  /** Relative weight; variants are assigned in proportion to their weights. */
  readonly weight: number;
}

/** `POST /api/v1/analytics/experiments` body, and what `GET` lists. */
export interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly variants: readonly ExperimentVariant[];
  readonly status: 'running' | 'stopped';
  readonly startedAt: string;
  readonly stoppedAt?: string;
}

/** `GET /api/v1/analytics/experiments/{id}`: exposures and conversions per variant, against the first (control) variant. */
export interface ExperimentResults {
  readonly experiment: Experiment;
  readonly variants: readonly {
    readonly name: string;
    readonly exposures: number;
    readonly conversions: number;
    readonly rate: number;
    /** Relative lift of the rate over the control; absent for the control. */
    readonly lift?: number;
    /** 95% confidence interval of the difference of rates (variant − control). */
    readonly differenceCi95?: readonly [number, number];
    /** Two-proportion z-test against the control. */
    readonly zScore?: number;
    readonly pValue?: number;
  }[];
}

/** `GET /api/v1/analytics/journey/prediction/{journey_id}` */
export interface JourneyPrediction {
  readonly journeyId: string;
  /** Probability that the journey completes. */
  readonly completionProbability: number;
  readonly model: { readonly trainedAt: string; readonly trainingJourneys: number; readonly heldOutAuc: number; readonly features: readonly string[] };
}
