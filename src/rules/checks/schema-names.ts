import { walkSchemaModel, type SchemaModel } from '../../xml/index.ts';

const namesByModel = new WeakMap<SchemaModel, ReadonlySet<string>>();

/** Local names of every element the message's schema can hold, anywhere below the root. Memoised per model. */
export function schemaElementNames(model: SchemaModel): ReadonlySet<string> {
  const known = namesByModel.get(model);
  if (known) return known;
  const names = new Set<string>([model.root.name]);
  walkSchemaModel(model, (info) => {
    for (const name of info.childOrder) names.add(name);
  });
  namesByModel.set(model, names);
  return names;
}
