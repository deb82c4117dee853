import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';
import { assertDeployable, listDeploymentProblems } from '../../../src/config/deployment-check.ts';

/** A schema folder holding a package (one .xsd) for each version named. */
function schemaFolder(...versions: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'deployment-check-'));
  for (const version of versions) {
    mkdirSync(join(root, version));
    writeFileSync(join(root, version, 'IATA_AirShoppingRQ.xsd'), '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>');
  }
  folders.push(root);
  return root;
}
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Everything production needs, for a gateway that runs workers elsewhere. */
function productionEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    NDC_SCHEMA_PATH: schemaFolder('21.3'),
    NDC_VERSIONS: '21.3',
    REDIS_URL: 'redis://redis:6379',
    RUN_WORKERS: 'false',
    DATABASE_URL: 'postgresql://ndc@postgres/ndc',
    AIRLINE_URL: 'http://airline:8090',
    PAYMENT_URL: 'http://payment:8091',
    CLIENTS_FILE: '/etc/ndc/clients.json',
    PERSONAL_DATA_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  };
}

describe('listDeploymentProblems in the production profile', () => {
  it('finds nothing to refuse in a complete production setup, for the gateway and for a worker', () => {
    const config = loadConfig(productionEnv());
    expect(listDeploymentProblems(config, 'gateway')).toEqual([]);
    expect(listDeploymentProblems(config, 'worker')).toEqual([]);
  });

  it.each([
    ['AIRLINE_URL', /^AIRLINE_URL .*reference airline, a simulator/],
    ['PAYMENT_URL', /^PAYMENT_URL .*reference payment service, a simulator/],
    ['CLIENTS_FILE', /^CLIENTS_FILE .*demo client/],
    ['DATABASE_URL', /^DATABASE_URL /],
    ['PERSONAL_DATA_KEYS', /^PERSONAL_DATA_KEYS .*development key/],
  ])('names a missing %s', (name, problem) => {
    const { [name]: _left, ...env } = productionEnv();
    expect(listDeploymentProblems(loadConfig(env), 'gateway')).toEqual([expect.stringMatching(problem)]);
  });

  it('needs DATABASE_URL while REDIS_URL is set, even with the workers in the gateway process', () => {
    const { DATABASE_URL: _database, ...env } = productionEnv();
    expect(listDeploymentProblems(loadConfig({ ...env, RUN_WORKERS: 'true' }), 'gateway')).toEqual([expect.stringMatching(/^DATABASE_URL is not set while REDIS_URL is/)]);
  });

  it('lets a worker do without CLIENTS_FILE, which only the gateway reads', () => {
    const { CLIENTS_FILE: _clients, ...env } = productionEnv();
    expect(listDeploymentProblems(loadConfig(env), 'worker')).toEqual([]);
  });

  it('lists everything that is missing in one error', () => {
    const config = loadConfig({ NODE_ENV: 'production', NDC_SCHEMA_PATH: join(tmpdir(), 'no-such-schemas'), REDIS_URL: 'redis://redis:6379' });
    expect(() => assertDeployable(config, 'gateway')).toThrow(ConfigError);
    let message = '';
    try {
      assertDeployable(config, 'gateway');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')[0]).toBe('the gateway cannot start in the production profile (NODE_ENV=production or GATEWAY_PROFILE=production):');
    expect(message.split('\n').slice(1).map((line) => line.replace(/^ {2}- (\w+).*$/, '$1'))).toEqual(['NDC_SCHEMA_PATH', 'AIRLINE_URL', 'PAYMENT_URL', 'CLIENTS_FILE', 'DATABASE_URL', 'PERSONAL_DATA_KEYS']);
  });

  it('is the profile GATEWAY_PROFILE=production asks for, too', () => {
    expect(listDeploymentProblems(loadConfig({ GATEWAY_PROFILE: 'production', NDC_SCHEMA_PATH: schemaFolder('21.3'), NDC_VERSIONS: '21.3' }), 'gateway')).toHaveLength(4);
  });
});

describe('listDeploymentProblems in the embedded profile', () => {
  const schemas = (): Record<string, string> => ({ NDC_SCHEMA_PATH: schemaFolder('21.3'), NDC_VERSIONS: '21.3' });

  it('runs the simulators and the demo client', () => {
    expect(listDeploymentProblems(loadConfig(schemas()), 'gateway')).toEqual([]);
    expect(listDeploymentProblems(loadConfig({ ...schemas(), REDIS_URL: 'redis://127.0.0.1:6379' }), 'gateway')).toEqual([]);
  });

  it('refuses workers in other processes on embedded stores: REDIS_URL with RUN_WORKERS=false and no DATABASE_URL', () => {
    const config = loadConfig({ ...schemas(), REDIS_URL: 'redis://127.0.0.1:6379', RUN_WORKERS: 'false' });
    expect(listDeploymentProblems(config, 'gateway')).toEqual([expect.stringMatching(/^DATABASE_URL is not set while RUN_WORKERS=false with REDIS_URL/)]);
    expect(listDeploymentProblems(loadConfig({ ...schemas(), REDIS_URL: 'redis://127.0.0.1:6379', RUN_WORKERS: 'false', DATABASE_URL: 'postgresql://127.0.0.1/test' }), 'gateway')).toEqual([]);
  });

  it('refuses a separate worker without DATABASE_URL', () => {
    expect(listDeploymentProblems(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }), 'worker')).toEqual([expect.stringMatching(/^DATABASE_URL is not set: a separate worker/)]);
    expect(listDeploymentProblems(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgresql://127.0.0.1/test' }), 'worker')).toEqual([]);
  });

  it('says in one line that the schema folder does not exist', () => {
    const missing = join(tmpdir(), 'no-such-schemas');
    expect(listDeploymentProblems(loadConfig({ NDC_SCHEMA_PATH: missing }), 'gateway')).toEqual([`NDC_SCHEMA_PATH ${missing} does not exist: point it at the IATA schema packages (<version>/<files>), or import one with \`npx ndc-gateway schemas import <zip>\``]);
  });

  it('names in one line the served versions that have no package', () => {
    const root = schemaFolder('21.3');
    mkdirSync(join(root, '17.2'));
    expect(listDeploymentProblems(loadConfig({ NDC_SCHEMA_PATH: root, NDC_VERSIONS: '21.3,17.2,26.1' }), 'gateway'))
      .toEqual([`NDC_SCHEMA_PATH ${root} has no schema package for 17.2, 26.1: import them with \`npx ndc-gateway schemas import <zip>\`, or leave them out of NDC_VERSIONS`]);
  });

  it('does not look for schemas for a worker, which validates nothing', () => {
    expect(listDeploymentProblems(loadConfig({ NDC_SCHEMA_PATH: join(tmpdir(), 'no-such-schemas'), REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgresql://127.0.0.1/test' }), 'worker')).toEqual([]);
  });
});
