import type { AirlineOrderLink, AirlineOrderLinks } from './airline-connector.ts';

/** Links kept in this process only: for tests and for one process holding both the router and every order it routes. */
export function createMemoryOrderLinks(): AirlineOrderLinks {
  const links = new Map<string, AirlineOrderLink>();
  return {
    async get(gatewayOrderId) {
      return links.get(gatewayOrderId);
    },
    async put(link) {
      const known = links.get(link.gatewayOrderId);
      links.set(link.gatewayOrderId, { ...link, items: { ...known?.items, ...link.items } });
    },
  };
}
