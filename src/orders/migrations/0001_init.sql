-- The ONE Order record store. Runs with search_path set to the store's schema.

-- One row per order. The whole record is kept as JSON; the columns beside it are what lists
-- filter and what optimistic concurrency compares.
CREATE TABLE orders (
  order_id          text        PRIMARY KEY,
  booking_reference text        NOT NULL UNIQUE,
  owner_client_id   text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('OPENED', 'CLOSED')),
  version           integer     NOT NULL CHECK (version >= 1),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  -- Upper-cased passenger surnames, so a list by surname uses an index.
  pax_surnames      text[]      NOT NULL DEFAULT '{}',
  record            jsonb       NOT NULL
);

CREATE INDEX orders_owner_created_idx ON orders (owner_client_id, created_at DESC, order_id);
CREATE INDEX orders_owner_status_created_idx ON orders (owner_client_id, status, created_at DESC);
CREATE INDEX orders_pax_surnames_idx ON orders USING gin (pax_surnames);

-- The audit trail: one row per change, seq = the version the change produced.
CREATE TABLE order_events (
  order_id       text        NOT NULL REFERENCES orders (order_id),
  seq            integer     NOT NULL CHECK (seq >= 1),
  type           text        NOT NULL,
  at             timestamptz NOT NULL,
  client_id      text        NOT NULL,
  correlation_id text,
  version        integer     NOT NULL,
  data           jsonb       NOT NULL DEFAULT '{}',
  PRIMARY KEY (order_id, seq)
);

-- The trail is append-only, whoever connects: rows cannot be changed, removed or truncated.
CREATE FUNCTION order_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'order_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER order_events_append_only
  BEFORE UPDATE OR DELETE ON order_events
  FOR EACH ROW EXECUTE FUNCTION order_events_refuse_change();

CREATE TRIGGER order_events_no_truncate
  BEFORE TRUNCATE ON order_events
  FOR EACH STATEMENT EXECUTE FUNCTION order_events_refuse_change();

-- Idempotent writes: one row per sender + message id. state is 'in-progress', 'completed' or
-- 'released'; created_at is when the current attempt claimed the key (its lease starts there),
-- expires_at is when the key may be used for a new request.
CREATE TABLE idempotency_keys (
  key             text        PRIMARY KEY,
  owner_client_id text        NOT NULL,
  request_hash    text        NOT NULL,
  state           text        NOT NULL CHECK (state IN ('in-progress', 'completed', 'released')),
  order_id        text,
  response        text,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL
);

CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
