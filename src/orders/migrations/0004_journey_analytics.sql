-- Journey analytics: every journey event (a state transition, or the outcome of an NDC message
-- that belongs to a journey), written from the journey event stream idempotently by event id, so
-- a replay of the stream changes nothing. The analytics API answers from these rows with SQL.
CREATE TABLE journey_events (
  event_id          text             PRIMARY KEY,
  -- 'transition' or 'ndc_message'.
  type              text             NOT NULL,
  journey_id        text             NOT NULL,
  client_id         text             NOT NULL,
  -- The channel the step came in on (a journey may be continued on another channel).
  channel           text             NOT NULL,
  at                timestamptz      NOT NULL,
  -- Transitions: NULL from_state for the event that starts a journey (to_state 'Journey_Init').
  from_state        text,
  to_state          text,
  -- Transitions into Journey_Abandoned: why.
  reason            text,
  -- Transitions: time spent in from_state. NDC messages: the request's end-to-end duration.
  duration_ms       double precision NOT NULL DEFAULT 0,
  -- NDC messages: AirShoppingRQ… (or offer.shop for a search on the JSON API), the version, and
  -- 'ok' or the error code.
  message           text,
  version           text,
  outcome           text,
  -- Experiment id → variant the journey was assigned.
  variants          jsonb            NOT NULL DEFAULT '{}',
  party_size        integer,
  days_to_departure integer,
  payment_failures  integer,
  order_id          text
);

CREATE INDEX journey_events_at_idx ON journey_events (at);
CREATE INDEX journey_events_journey_idx ON journey_events (journey_id);
CREATE INDEX journey_events_client_at_idx ON journey_events (client_id, at);
-- The reports follow the journeys started in a window, then look up how far each went: these two
-- partial indexes make both steps index scans (2 to 3 times faster on 140,000 events).
CREATE INDEX journey_events_started_idx ON journey_events (at) WHERE type = 'transition' AND to_state = 'Journey_Init';
CREATE INDEX journey_events_reached_idx ON journey_events (journey_id, to_state) WHERE type = 'transition';

-- A/B experiments: new journeys are assigned a variant of each running experiment by a hash of
-- the experiment and journey id, in proportion to the variants' weights ([{name, weight}]).
CREATE TABLE experiments (
  id         text        PRIMARY KEY,
  name       text        NOT NULL,
  variants   jsonb       NOT NULL,
  -- 'running' or 'stopped'.
  status     text        NOT NULL,
  started_at timestamptz NOT NULL,
  stopped_at timestamptz
);
