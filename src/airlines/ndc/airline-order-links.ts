import type { OrderStoreSql } from '../../orders/order-store.ts';
import { prepared, quoteSchema } from '../../orders/sql-database.ts';
import type { AirlineOrderLink, AirlineOrderLinks } from '../airline-connector.ts';

function merged(link: AirlineOrderLink, earlier: AirlineOrderLink | undefined): AirlineOrderLink {
  const bookingReference = link.bookingReference ?? earlier?.bookingReference;
  const total = link.total ?? earlier?.total;
  return Object.freeze({
    ...link, items: Object.freeze({ ...earlier?.items, ...link.items }),
    ...(bookingReference !== undefined ? { bookingReference } : {}), ...(total !== undefined ? { total } : {}),
  });
}

/** Links kept in this process only: for tests and a gateway without an order database. */
export function createMemoryAirlineOrderLinks(): AirlineOrderLinks {
  const links = new Map<string, AirlineOrderLink>();
  return {
    get: async (gatewayOrderId) => links.get(gatewayOrderId),
    findByAirlineOrderId: async (owner, airlineOrderId) => [...links.values()].reverse().find((link) => link.owner === owner && link.orderId === airlineOrderId),
    async put(link) {
      const earlier = links.get(link.gatewayOrderId);
      // Re-inserted, so the latest put is the last entry, as the SQL lookup prefers the latest update.
      links.delete(link.gatewayOrderId);
      links.set(link.gatewayOrderId, merged(link, earlier));
    },
  };
}

interface LinkRow {
  gateway_order_id: string;
  owner: string;
  airline_order_id: string;
  booking_reference: string | null;
  items: Record<string, string> | string;
  total: { amount: number; currency: string } | string | null;
}

const COLUMNS = 'gateway_order_id, owner, airline_order_id, booking_reference, items, total';

function toLink(row: LinkRow): AirlineOrderLink {
  const items = typeof row.items === 'string' ? JSON.parse(row.items) as Record<string, string> : row.items;
  const total = typeof row.total === 'string' ? JSON.parse(row.total) as { amount: number; currency: string } : row.total;
  return Object.freeze({
    gatewayOrderId: row.gateway_order_id, owner: row.owner, orderId: row.airline_order_id,
    ...(row.booking_reference !== null ? { bookingReference: row.booking_reference } : {}),
    items: Object.freeze({ ...items }),
    ...(total ? { total } : {}),
  });
}

/**
 * Links in the order store's database (table airline_order_links, migration 0006), so every
 * worker process finds the airline of an order and the airline's ids. `sql` is
 * `OrderStore.sql`: it resolves once the store is open and migrated.
 */
export function createSqlAirlineOrderLinks(sql: () => Promise<OrderStoreSql>): AirlineOrderLinks {
  const statements = new Map<string, { select: ReturnType<typeof prepared>; selectByAirline: ReturnType<typeof prepared>; upsert: ReturnType<typeof prepared> }>();
  const statementsOf = (schema: string) => {
    let found = statements.get(schema);
    if (!found) {
      const table = `${quoteSchema(schema)}.airline_order_links`;
      found = {
        select: prepared(`SELECT ${COLUMNS} FROM ${table} WHERE gateway_order_id = $1`),
        // No index: a notification is rare next to bookings, and the table holds one row per order.
        selectByAirline: prepared(`SELECT ${COLUMNS} FROM ${table} WHERE owner = $1 AND airline_order_id = $2 ORDER BY updated_at DESC LIMIT 1`),
        // Items merge with those already known; owner and ids are those of the latest answer.
        upsert: prepared(`INSERT INTO ${table} (gateway_order_id, owner, airline_order_id, booking_reference, items, total) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
          ON CONFLICT (gateway_order_id) DO UPDATE SET owner = EXCLUDED.owner, airline_order_id = EXCLUDED.airline_order_id,
            booking_reference = COALESCE(EXCLUDED.booking_reference, ${table}.booking_reference), items = ${table}.items || EXCLUDED.items,
            total = COALESCE(EXCLUDED.total, ${table}.total), updated_at = now()`),
      };
      statements.set(schema, found);
    }
    return found;
  };
  return {
    async get(gatewayOrderId) {
      const { database, schema } = await sql();
      const { rows } = await database.query<LinkRow>(statementsOf(schema).select, [gatewayOrderId]);
      return rows[0] ? toLink(rows[0]) : undefined;
    },
    async findByAirlineOrderId(owner, airlineOrderId) {
      const { database, schema } = await sql();
      const { rows } = await database.query<LinkRow>(statementsOf(schema).selectByAirline, [owner, airlineOrderId]);
      return rows[0] ? toLink(rows[0]) : undefined;
    },
    async put(link) {
      const { database, schema } = await sql();
      await database.query(statementsOf(schema).upsert, [link.gatewayOrderId, link.owner, link.orderId, link.bookingReference ?? null, JSON.stringify(link.items), link.total ? JSON.stringify(link.total) : null]);
    },
  };
}

/** The SQL links when the gateway has an order store, else links in memory. */
export function createAirlineOrderLinks(sql?: () => Promise<OrderStoreSql>): AirlineOrderLinks {
  return sql ? createSqlAirlineOrderLinks(sql) : createMemoryAirlineOrderLinks();
}
