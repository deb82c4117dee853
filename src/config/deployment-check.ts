import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from './config.ts';

/** Which entry point is starting: the gateway (`npm start`) or workers alone (`npm run worker`). */
export type ProcessRole = 'gateway' | 'worker';

const ROLE_NAMES: Readonly<Record<ProcessRole, string>> = { gateway: 'the gateway', worker: 'npm run worker' };

/**
 * Combinations that lose orders whatever the profile. The embedded PGlite store belongs to one
 * process: workers in other processes would each write to a store of their own (or two of them
 * would open one folder), and an order would exist only where it was written.
 */
function listOrderLosses(config: Config, role: ProcessRole): string[] {
  if (config.databaseUrl) return [];
  if (role === 'worker') {
    return ['DATABASE_URL is not set: a separate worker would write orders to an embedded store of its own, which the gateway and the other workers never read'];
  }
  if (config.redisUrl && !config.runWorkers) {
    return ['DATABASE_URL is not set while RUN_WORKERS=false with REDIS_URL: the workers run in other processes, and each would write orders to an embedded store of its own'];
  }
  return [];
}

/**
 * Without AIRLINES_FILE, AIRLINE_URL must name the airline. With it, every `reference` airline
 * needs its url (left out, the embedded simulator would answer for it) and every `{ env: NAME }`
 * secret must be set (left out, a header or the settlement card would silently be missing).
 */
function listAirlineGaps(config: Config): string[] {
  if (!config.airlines) return config.airlineUrl ? [] : ['AIRLINE_URL is not set: the built-in reference airline, a simulator, would answer'];
  const embedded = config.airlines.airlines.filter((airline) => airline.kind === 'reference' && !airline.url);
  return [
    ...embedded.map((airline) => `AIRLINES_FILE ${config.airlines?.file}: the reference airline ${airline.designator} has no url, so the built-in reference airline, a simulator, would answer for it`),
    ...config.airlines.missingSecrets.map((problem) => `AIRLINES_FILE ${problem}`),
  ];
}

/** Settings without which a simulator or a per-process store stands in for a real service. */
function listProductionGaps(config: Config, role: ProcessRole): string[] {
  const gaps: string[] = [];
  gaps.push(...listAirlineGaps(config));
  if (!config.paymentUrl) gaps.push('PAYMENT_URL is not set: the built-in reference payment service, a simulator, would take the payments');
  if (role === 'gateway' && !config.clientsFile) gaps.push('CLIENTS_FILE is not set: every caller would be the demo client');
  if (role === 'gateway' && !config.databaseUrl && config.redisUrl && config.runWorkers) {
    gaps.push('DATABASE_URL is not set while REDIS_URL is: orders would go to the embedded store of this one process, not to one every worker shares');
  }
  if (!config.personalDataKeys) gaps.push('PERSONAL_DATA_KEYS is not set: contacts and identity documents would be sealed with the published development key');
  return gaps;
}

/** One line for schema packages that are not where NDC_SCHEMA_PATH says, instead of a warning per message. */
function listMissingSchemas(config: Config): string[] {
  if (!existsSync(config.schemaPath)) {
    return [`NDC_SCHEMA_PATH ${config.schemaPath} does not exist: point it at the IATA schema packages (<version>/<files>), or import one with \`npx ndc-gateway schemas import <zip>\``];
  }
  const missing = config.versions.filter((version) => {
    const folder = join(config.schemaPath, version);
    return !existsSync(folder) || !readdirSync(folder).some((file) => file.endsWith('.xsd'));
  });
  if (missing.length === 0) return [];
  return [`NDC_SCHEMA_PATH ${config.schemaPath} has no schema package for ${missing.join(', ')}: import ${missing.length > 1 ? 'them' : 'it'} with \`npx ndc-gateway schemas import <zip>\`, or leave ${missing.length > 1 ? 'them' : 'it'} out of NDC_VERSIONS`];
}

/**
 * What keeps this configuration from starting in `role`, one line per problem: in every profile
 * the combinations that lose orders and, for the gateway, schema packages that are not there; in
 * the production profile also every setting whose absence lets a simulator or a per-process store
 * stand in for a real service.
 */
export function listDeploymentProblems(config: Config, role: ProcessRole): string[] {
  return [
    ...(role === 'gateway' ? listMissingSchemas(config) : []),
    ...listOrderLosses(config, role),
    ...(config.profile === 'production' ? listProductionGaps(config, role) : []),
  ];
}

/** Throws one ConfigError that lists every problem of {@link listDeploymentProblems}. */
export function assertDeployable(config: Config, role: ProcessRole): void {
  const problems = listDeploymentProblems(config, role);
  if (problems.length === 0) return;
  const profile = config.profile === 'production' ? ' in the production profile (NODE_ENV=production or GATEWAY_PROFILE=production)' : '';
  throw new ConfigError(`${ROLE_NAMES[role]} cannot start${profile}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}
