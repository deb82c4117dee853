/** Every fault the harness knows, by name: what the CLI and the README's Reliability table run. */
import type { FaultDefinition } from './types.ts';
import { gatewayKill, workerKill } from './worker-faults.ts';

export const FAULTS: readonly FaultDefinition[] = [workerKill, gatewayKill];

export function faultNamed(name: string): FaultDefinition {
  const fault = FAULTS.find((f) => f.name === name);
  if (!fault) throw new Error(`no fault ${name}; known: ${FAULTS.map((f) => f.name).join(', ')}`);
  return fault;
}
