import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { AirlineDataError, DEFAULT_DATA_PATH, loadAirlineData } from '../../../src/reference/airline/index.ts';

const folders: string[] = [];

function copyOfData(): string {
  const folder = mkdtempSync(join(tmpdir(), 'airline-data-'));
  folders.push(folder);
  for (const part of ['network', 'fares', 'ancillaries', 'seat-maps']) cpSync(join(DEFAULT_DATA_PATH, part), join(folder, part), { recursive: true });
  return folder;
}

function edit(folder: string, file: string, change: (json: Record<string, unknown>) => void): void {
  const path = join(folder, file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(json);
  writeFileSync(path, JSON.stringify(json));
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('airline data', () => {
  it('loads the repository data with every cabin priced and every aircraft mapped', () => {
    const data = loadAirlineData();
    expect(data.airports.length).toBeGreaterThan(20);
    expect(data.airports.filter((a) => a.hub).map((a) => a.code).sort()).toEqual(['DXB', 'JFK', 'LHR', 'SIN']);
    for (const flight of data.schedule.flights) expect(data.aircraft[flight.aircraft], flight.aircraft).toBeDefined();
    expect(new Set(data.fares.fareFamilies.map((f) => f.cabin))).toEqual(new Set(['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY']));
  });

  it('names the file and field of a value that breaks the data schema', () => {
    const folder = copyOfData();
    edit(folder, 'fares/fare-families.json', (json) => {
      (json.fareFamilies as Record<string, unknown>[])[0]!.cabin = 'COACH';
    });
    expect(() => loadAirlineData(folder)).toThrow(AirlineDataError);
    expect(() => loadAirlineData(folder)).toThrow(/fares\/fare-families\.json: \/fareFamilies\/0\/cabin/);
  });

  it('refuses a schedule that names an airport or aircraft it does not know', () => {
    const folder = copyOfData();
    edit(folder, 'network/routes.json', (json) => {
      (json.flights as Record<string, unknown>[]).push({ flightNumber: '9999', origin: 'LHR', destination: 'ZZZ', departure: '10:00', aircraft: '388' });
    });
    expect(() => loadAirlineData(folder)).toThrow(/unknown destination ZZZ.*no seat map for aircraft 388/);
  });

  it('refuses an unknown time zone', () => {
    const folder = copyOfData();
    edit(folder, 'network/airports.json', (json) => {
      (json.airports as Record<string, unknown>[])[0]!.timeZone = 'Mars/Olympus';
    });
    expect(() => loadAirlineData(folder)).toThrow(/unknown time zone Mars\/Olympus/);
  });
});
