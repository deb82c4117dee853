import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';

describe('loadConfig: GATEWAY_PROCESSES', () => {
  it('is one process unless set', () => {
    expect(loadConfig({}).gatewayProcesses).toBe(1);
  });

  it('takes several processes with a PostgreSQL order store', () => {
    expect(loadConfig({ GATEWAY_PROCESSES: '2', DATABASE_URL: 'postgres://127.0.0.1/test' }).gatewayProcesses).toBe(2);
  });

  it('refuses several processes on the embedded store, which one process owns', () => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2' })).toThrow(/DATABASE_URL/);
  });

  it.each(['0', '65', 'two'])('refuses %j', (value) => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: value, DATABASE_URL: 'postgres://127.0.0.1/test' })).toThrow(ConfigError);
  });
});
