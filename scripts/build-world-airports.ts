/**
 * Writes fixtures/network/world-airports.json from the airport-data-js package: the airports the
 * reference airline can build its network over. Run after upgrading the package:
 *
 *   npm run airline:airports
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_PATH } from '../src/reference/airline/airline-data.ts';
import { readCommercialAirports } from '../src/reference/airline/world-airports.source.ts';

const rows = await readCommercialAirports();
const lines = rows.map((row) => `    ${JSON.stringify(row)}`);
const text = `{
  "description": "Commercial airports (large and medium, scheduled service) from the airport-data-js package, CC BY 4.0: [IATA code, name, ISO country, continent, lat, lon, IANA time zone]. Written by npm run airline:airports; the reference airline builds its generated network over them.",
  "airports": [
${lines.join(',\n')}
  ]
}
`;
writeFileSync(join(DEFAULT_DATA_PATH, 'network', 'world-airports.json'), text);
console.log(`${rows.length} airports written`);
