import { addDaysTransform, isoDateTimeTransform, isoDateTransform, nowTransform, timeTransform } from './date-transforms.ts';
import { fromIsoDurationTransform, toIsoDurationTransform } from './duration-transforms.ts';
import { uuidTransform } from './id-transforms.ts';
import { countTransform, firstTransform, joinTransform, splitTransform, sumTransform } from './list-transforms.ts';
import { booleanTransform, integerTransform, moneyTransform, numberTransform } from './number-transforms.ts';
import { templateTransform } from './template-transform.ts';
import { lowerTransform, stringTransform, trimTransform, truncateTransform, upperTransform } from './text-transforms.ts';
import type { TransformDefinition, TransformRegistry } from './transform-types.ts';

export * from './transform-types.ts';

/** Every built-in transform. The engine knows nothing about any of them beyond this list. */
export const BUILT_IN_TRANSFORMS: readonly TransformDefinition[] = Object.freeze([
  stringTransform, numberTransform, integerTransform, booleanTransform, upperTransform, lowerTransform, trimTransform, truncateTransform,
  isoDateTransform, isoDateTimeTransform, timeTransform, addDaysTransform, nowTransform,
  toIsoDurationTransform, fromIsoDurationTransform, moneyTransform,
  joinTransform, splitTransform, firstTransform, countTransform, sumTransform, templateTransform, uuidTransform,
]);

/**
 * Builds the registry mapping files are checked against. `extra` lets an airline add its own
 * transforms without editing the engine; a name may only be defined once.
 */
export function createTransformRegistry(extra: readonly TransformDefinition[] = []): TransformRegistry {
  const registry = new Map<string, TransformDefinition>();
  for (const definition of [...BUILT_IN_TRANSFORMS, ...extra]) {
    if (registry.has(definition.name)) throw new Error(`Transform '${definition.name}' is defined twice`);
    registry.set(definition.name, definition);
  }
  return registry;
}
