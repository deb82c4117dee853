/**
 * Selects the commercial airports of the airport-data-js package (OurAirports/OpenFlights based,
 * CC BY 4.0): large and medium airports with scheduled service, an IATA code and a time zone the
 * runtime knows. Used by `npm run airline:airports` to write `fixtures/network/world-airports.json`
 * and by a test that keeps that file in step with the package; the airline itself only reads the file,
 * since unpacking the package takes most of a second and some 70 MB.
 */

/** One airport as stored: code, name, ISO country, continent, latitude, longitude, IANA time zone. */
export type WorldAirportRow = readonly [string, string, string, string, number, number, string];

interface PackageAirport {
  readonly iata?: string;
  readonly airport?: string;
  readonly country_code?: string;
  readonly continent?: string;
  readonly latitude?: number | string;
  readonly longitude?: number | string;
  readonly time?: string;
  readonly type?: string;
  readonly scheduled_service?: boolean | string;
}

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

/** The commercial airports of the package, sorted by code, one row per IATA code. */
export async function readCommercialAirports(): Promise<WorldAirportRow[]> {
  type Api = { getAirportsByType(type: string): Promise<PackageAirport[]> };
  // A CommonJS package: Node puts its exports on `default`, some loaders on the namespace itself.
  const loaded = (await import('airport-data-js')) as Partial<Api> & { default?: Api };
  const api = loaded.default ?? (loaded as Api);
  const rows = new Map<string, WorldAirportRow>();
  for (const type of ['large_airport', 'medium_airport']) {
    for (const a of await api.getAirportsByType(type)) {
      const scheduled = a.scheduled_service === true || a.scheduled_service === 'TRUE';
      const code = a.iata ?? '';
      const lat = Number(a.latitude);
      const lon = Number(a.longitude);
      const zone = a.time ?? '';
      if (!scheduled || !/^[A-Z]{3}$/.test(code) || rows.has(code)) continue;
      if (!/^[A-Z]{2}$/.test(a.country_code ?? '') || !Number.isFinite(lat) || !Number.isFinite(lon) || !knownTimeZone(zone)) continue;
      rows.set(code, [code, a.airport ?? code, a.country_code ?? '', a.continent ?? '', round4(lat), round4(lon), zone]);
    }
  }
  return [...rows.values()].sort((x, y) => (x[0] < y[0] ? -1 : 1));
}
