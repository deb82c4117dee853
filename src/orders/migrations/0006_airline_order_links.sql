-- Aggregator mode: which airline owns each order, and the airline's own ids for it (its OrderID,
-- booking reference and, per gateway order item, the airline's OrderItemID), so that every later
-- command of the order goes to that airline and names its order and items the airline's way.
CREATE TABLE airline_order_links (
  gateway_order_id  text        PRIMARY KEY,
  -- The airline's designator (OwnerCode).
  owner             text        NOT NULL,
  airline_order_id  text        NOT NULL,
  booking_reference text,
  -- Gateway order item id → the airline's order item id.
  items             jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- What the airline's order costs as it last said ({ amount, currency }): what the gateway pays on issue.
  total             jsonb,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
