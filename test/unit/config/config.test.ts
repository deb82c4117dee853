import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';

describe('loadConfig: GATEWAY_PROCESSES', () => {
  it('is one process unless set', () => {
    expect(loadConfig({}).gatewayProcesses).toBe(1);
  });

  it('takes several processes with a PostgreSQL order store and Redis', () => {
    expect(loadConfig({ GATEWAY_PROCESSES: '2', DATABASE_URL: 'postgres://127.0.0.1/test', REDIS_URL: 'redis://127.0.0.1:6379' }).gatewayProcesses).toBe(2);
  });

  it('refuses several processes without Redis, where each would hold journeys of its own', () => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2', DATABASE_URL: 'postgres://127.0.0.1/test' })).toThrow(/REDIS_URL/);
  });

  it('refuses several processes on the embedded store, which one process owns', () => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2' })).toThrow(/DATABASE_URL/);
  });

  it.each(['0', '65', 'two'])('refuses %j', (value) => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: value, DATABASE_URL: 'postgres://127.0.0.1/test', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(ConfigError);
  });
});

describe('loadConfig: HOST', () => {
  it('keeps the embedded demo (no CLIENTS_FILE) on loopback', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
  });

  it('listens on every interface once CLIENTS_FILE names the clients', () => {
    expect(loadConfig({ CLIENTS_FILE: 'fixtures/clients/demo-clients.json' }).host).toBe('0.0.0.0');
  });

  it('takes HOST as set, with or without CLIENTS_FILE', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '127.0.0.1', CLIENTS_FILE: 'fixtures/clients/demo-clients.json' }).host).toBe('127.0.0.1');
  });
});

describe('loadConfig: GATEWAY_PROFILE', () => {
  it('is embedded unless NODE_ENV=production', () => {
    expect(loadConfig({}).profile).toBe('embedded');
    expect(loadConfig({ NODE_ENV: 'development' }).profile).toBe('embedded');
    expect(loadConfig({ NODE_ENV: 'production' }).profile).toBe('production');
  });

  it('is set explicitly either way', () => {
    expect(loadConfig({ GATEWAY_PROFILE: 'production' }).profile).toBe('production');
    expect(loadConfig({ NODE_ENV: 'production', GATEWAY_PROFILE: 'embedded' }).profile).toBe('embedded');
  });

  it('refuses an unknown profile', () => {
    expect(() => loadConfig({ GATEWAY_PROFILE: 'prod' })).toThrow(ConfigError);
  });
});

describe('loadConfig: SHUTDOWN_GRACE_MS and WORKER_PORT', () => {
  it('defaults to 15 s and port 8081', () => {
    expect(loadConfig({})).toMatchObject({ shutdownGraceMs: 15_000, workerPort: 8081 });
  });

  it('takes both, port 0 included', () => {
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '30000', WORKER_PORT: '0' })).toMatchObject({ shutdownGraceMs: 30_000, workerPort: 0 });
  });

  it.each([['SHUTDOWN_GRACE_MS', '10'], ['SHUTDOWN_GRACE_MS', 'soon'], ['WORKER_PORT', '70000']])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
});

describe('loadConfig: AIRLINE_HUBS and AIRLINE_REGIONS', () => {
  it('serves every continent from hubs on each by default', () => {
    const config = loadConfig({});
    expect(config.airlineHubs).toEqual(['LHR', 'JFK', 'DXB', 'SIN', 'LAX', 'GRU', 'JNB', 'SYD', 'HKG']);
    expect(config.airlineRegions).toEqual(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']);
  });

  it('takes comma-separated hubs and continents', () => {
    const config = loadConfig({ AIRLINE_HUBS: 'fra, jfk', AIRLINE_REGIONS: 'EU,NA' });
    expect([config.airlineHubs, config.airlineRegions]).toEqual([['FRA', 'JFK'], ['EU', 'NA']]);
  });

  it('refuses a hub that is no IATA code and a region that is no continent', () => {
    expect(() => loadConfig({ AIRLINE_HUBS: 'FRANKFURT' })).toThrow(ConfigError);
    expect(() => loadConfig({ AIRLINE_REGIONS: 'EUROPE' })).toThrow(ConfigError);
  });
});

describe('loadConfig: housekeeping and idempotency', () => {
  it('defaults to a 60 s lease, a 24 h retention, and both jobs every minute', () => {
    const config = loadConfig({});
    expect([config.idempotencyLeaseMs, config.idempotencyTtlMs, config.holdExpirySweepMs, config.idempotencyPurgeMs])
      .toEqual([60_000, 86_400_000, 60_000, 60_000]);
  });

  it('takes them as set, 0 turning a job off', () => {
    const config = loadConfig({ IDEMPOTENCY_LEASE_MS: '30000', IDEMPOTENCY_TTL_MS: '3600000', HOLD_EXPIRY_SWEEP_MS: '0', IDEMPOTENCY_PURGE_MS: '5000' });
    expect([config.idempotencyLeaseMs, config.idempotencyTtlMs, config.holdExpirySweepMs, config.idempotencyPurgeMs])
      .toEqual([30_000, 3_600_000, 0, 5000]);
  });

  it('refuses a lease not above the request deadline, a retention below the lease, and what is no interval', () => {
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_MS: '10000' })).toThrow(/IDEMPOTENCY_LEASE_MS must be above REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ IDEMPOTENCY_TTL_MS: '59999' })).toThrow(/IDEMPOTENCY_TTL_MS must be at least IDEMPOTENCY_LEASE_MS/);
    for (const name of ['IDEMPOTENCY_LEASE_MS', 'IDEMPOTENCY_TTL_MS', 'HOLD_EXPIRY_SWEEP_MS', 'IDEMPOTENCY_PURGE_MS']) {
      expect(() => loadConfig({ [name]: '-1' }), name).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: '1m' }), name).toThrow(ConfigError);
    }
  });
});

describe('loadConfig: DEFAULT_CURRENCY', () => {
  it('takes an ISO 4217 code and refuses one the list does not have, since amounts need its decimals', () => {
    expect(loadConfig({ DEFAULT_CURRENCY: 'KWD' }).currency).toBe('KWD');
    expect(() => loadConfig({ DEFAULT_CURRENCY: 'ABC' })).toThrow(/DEFAULT_CURRENCY ABC is not an ISO 4217 currency code/);
  });
});
