-- Deliveries: one row per notice and target (the seller owning the order, or accounting), made
-- by the notifications dispatcher from order_notices. delivery_id is the event id receivers
-- de-duplicate on: it stays the same across retries and redeliveries. The secret is not kept
-- here (it comes from the configuration at each attempt), nor any body.
CREATE TABLE notification_deliveries (
  delivery_id     text        PRIMARY KEY,
  notice_id       bigint      NOT NULL REFERENCES order_notices (notice_id),
  -- The client that owns the order; the seller's deliveries are listed to it.
  client_id       text        NOT NULL,
  target_kind     text        NOT NULL CHECK (target_kind IN ('seller', 'accounting')),
  url             text        NOT NULL,
  format          text        NOT NULL CHECK (format IN ('json', 'ndc')),
  version         text,
  event_type      text        NOT NULL,
  order_id        text        NOT NULL,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- Retries stop here (created_at + NOTIFY_MAX_AGE_MS; a redelivery opens a new window).
  expires_at      timestamptz NOT NULL,
  -- HTTP status of the last attempt (NULL: no answer, e.g. a timeout), and what went wrong (capped).
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  UNIQUE (notice_id, target_kind)
);
CREATE INDEX notification_deliveries_pending ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_client ON notification_deliveries (client_id, created_at, delivery_id);
CREATE INDEX notification_deliveries_order ON notification_deliveries (order_id);
