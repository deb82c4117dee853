-- Notices: what happened to an order that the seller owning it (webhook or NDC notification) or
-- accounting must hear of. Written in the same statement as the change that caused it (an
-- outbox), so a committed change cannot lack its notice; the notifications module turns each
-- one into deliveries and stamps dispatched_at once they are recorded.
CREATE TABLE order_notices (
  notice_id       bigserial   PRIMARY KEY,
  order_id        text        NOT NULL,
  owner_client_id text        NOT NULL,
  -- order.airline_initiated_change, order.ticketed, order.cancelled, order.hold_expired,
  -- order.service_delivered, order.sales_reported (see src/orders/order-notices.ts).
  type            text        NOT NULL,
  -- The version of the order the change produced.
  order_version   integer     NOT NULL,
  at              timestamptz NOT NULL,
  data            jsonb       NOT NULL DEFAULT '{}'::jsonb,
  dispatched_at   timestamptz
);
CREATE INDEX order_notices_undispatched ON order_notices (notice_id) WHERE dispatched_at IS NULL;
CREATE INDEX order_notices_order ON order_notices (order_id, notice_id);
