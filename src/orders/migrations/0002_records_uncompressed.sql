-- Order records and stored answers are a few KB each. Past about 2 KB PostgreSQL compresses a row's
-- large values with pglz on every write, which cost about a sixth of the backend's CPU per order;
-- up to a full page they are now kept inline as they are.
ALTER TABLE orders SET (toast_tuple_target = 8160);
ALTER TABLE idempotency_keys SET (toast_tuple_target = 8160);
