-- The audit trail: one row per order message a worker or the REST API ran (reads, writes,
-- refusals and failures alike): who, which message, which order and version, when, how it ended,
-- and the correlation id. A write of an order writes its row in the same statement, so a change
-- that committed always has its row. No personal or card data goes here: an erasure must not have
-- to touch it, and nothing may.
CREATE TABLE audit_trail (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at             timestamptz NOT NULL,
  client_id      text        NOT NULL,
  -- The NDC message (OrderCreateRQ…) or the REST operation (one-order.deliver…).
  message        text        NOT NULL,
  -- The NDC version the message came in, or 'rest'.
  channel        text        NOT NULL,
  order_id       text,
  order_version  integer,
  -- 'ok', or the error code the message was answered with.
  outcome        text        NOT NULL,
  correlation_id text,
  detail         jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_trail_order_idx ON audit_trail (order_id, id);
CREATE INDEX audit_trail_client_idx ON audit_trail (client_id, id);

-- Both append-only tables refuse changes through one function, which names the table: the
-- audit trail's triggers use it, and those of order_events move to it.
CREATE FUNCTION refuse_change_of_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER order_events_append_only ON order_events;
DROP TRIGGER order_events_no_truncate ON order_events;
DROP FUNCTION order_events_refuse_change();

CREATE TRIGGER order_events_append_only BEFORE UPDATE OR DELETE ON order_events FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();
CREATE TRIGGER order_events_no_truncate BEFORE TRUNCATE ON order_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only();
CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON audit_trail FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();
CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON audit_trail FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only();

-- Contacts and identity documents are sealed (AES-256-GCM) inside the record; this is the id of
-- the key they were sealed with, so records of a retired key can be found and sealed again with
-- the current one. NULL: nothing to seal. '' marks records written before sealing, whose contacts
-- are still in clear: the store seals them like those of an old key.
ALTER TABLE orders ADD COLUMN personal_data_key text;
UPDATE orders SET personal_data_key = '' WHERE jsonb_array_length(record->'contacts') > 0;
CREATE INDEX orders_personal_data_key_idx ON orders (personal_data_key) WHERE personal_data_key IS NOT NULL;
