/** `PaxID` → `paxId`, `IATA_LocationCode` → `iataLocationCode`, `RFISC` → `rfisc`: XSD names as command field names. */
export function toCamelCase(name: string): string {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [name];
  return words
    .map((word, i) => (i === 0 ? word.toLowerCase() : `${word.charAt(0).toUpperCase()}${word.slice(1).toLowerCase()}`))
    .join('');
}

/** A rough English plural for list fields (`offer` → `offers`, `journey` → `journeys`, `city` → `cities`). */
export function toPlural(name: string): string {
  if (/s$/.test(name)) return name;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(x|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

/**
 * Hands out field names within one object, so that two elements of the same name in different
 * places (Dep/IATA_LocationCode, Arrival/IATA_LocationCode) get different fields: the first keeps
 * the short name, later ones are qualified by their parents (`arrivalIataLocationCode`).
 */
export function createNameAllocator(): (chain: readonly string[], plural?: boolean) => string {
  const taken = new Set<string>();
  return (chain, plural = false) => {
    const shape = (name: string): string => (plural ? toPlural(name) : name);
    for (let take = 1; take <= chain.length; take += 1) {
      const candidate = shape(toCamelCase(chain.slice(-take).join('_')));
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
    const base = shape(toCamelCase(chain.join('_')));
    let n = 2;
    while (taken.has(`${base}${n}`)) n += 1;
    taken.add(`${base}${n}`);
    return `${base}${n}`;
  };
}
