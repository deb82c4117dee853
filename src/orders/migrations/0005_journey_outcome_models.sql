-- Journey outcome models: logistic regressions trained by the retrain job on journey_events. Each
-- gateway process serves the newest row, so all of them give the same prediction; older rows are
-- kept a while to compare figures across retrains.
CREATE TABLE journey_outcome_models (
  id                bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The coefficients, feature scaling and held-out figures (OutcomeModel).
  model             jsonb            NOT NULL,
  trained_at        timestamptz      NOT NULL,
  -- Finished journeys the model was fitted on, and those held out to measure it.
  training_journeys integer          NOT NULL,
  held_out_journeys integer          NOT NULL,
  -- AUC on the held-out journeys, within a state (see docs/analytics-prediction.md); NULL when no pair.
  held_out_auc      double precision,
  -- The model's input columns, in order.
  features          jsonb            NOT NULL
);

CREATE INDEX journey_outcome_models_trained_idx ON journey_outcome_models (trained_at DESC);

-- The claim of the process training a model now (one row at most): a process that finds an
-- unexpired claim skips its round, and the claim of a process that died expires.
CREATE TABLE journey_outcome_training (
  holder     text        PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
