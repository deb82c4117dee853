-- Holds past their payment time limit are found by the housekeeping job `holds.expire`, across
-- every client. Only open orders with a payment time limit are in this index (unpaid holds: the
-- limit goes once the order is paid), so it stays small however many orders there are.
CREATE INDEX orders_open_holds_idx ON orders (((record->>'paymentTimeLimit')))
  WHERE status = 'OPENED' AND record ? 'paymentTimeLimit';
