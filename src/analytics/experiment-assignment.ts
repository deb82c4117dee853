import { createHash } from 'node:crypto';
import type { Experiment, ExperimentVariant } from './analytics-types.ts';

/** The experiments a new journey is assigned to: those running when it starts. */
export interface ExperimentSource {
  running(): Promise<readonly Experiment[]>;
}

/**
 * The variant of `experimentId` a journey sees: a hash of the experiment and the journey id mapped
 * onto the variants' cumulative weights. Deterministic, so a journey sees the same variant on
 * every channel and in every process, and independent across experiments.
 */
export function assignVariant(experimentId: string, journeyId: string, variants: readonly ExperimentVariant[]): string {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (variants.length === 0 || !(total > 0)) throw new Error(`Experiment ${experimentId} has no variant with a positive weight`);
  // 52 bits of the hash, as a fraction in [0, 1).
  const digest = createHash('sha256').update(`${experimentId}\u0000${journeyId}`).digest();
  const point = (digest.readUIntBE(0, 6) * 16 + (digest[6]! >> 4)) / 2 ** 52 * total;
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.weight;
    if (point < upTo) return variant.name;
  }
  return variants[variants.length - 1]!.name;
}

/** Every running experiment's variant for a journey: what its events carry. */
export function assignVariants(journeyId: string, experiments: readonly Experiment[]): Record<string, string> {
  const assigned: Record<string, string> = {};
  for (const experiment of experiments) {
    if (experiment.status === 'running') assigned[experiment.id] = assignVariant(experiment.id, journeyId, experiment.variants);
  }
  return assigned;
}
