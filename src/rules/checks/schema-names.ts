import type { ElementInfo, SchemaModel } from '../../xml/index.ts';

const namesByModel = new WeakMap<SchemaModel, ReadonlySet<string>>();

/** Local names of every element the message's schema can hold, anywhere below the root. Memoised per model. */
export function schemaElementNames(model: SchemaModel): ReadonlySet<string> {
  const known = namesByModel.get(model);
  if (known) return known;
  const names = new Set<string>([model.root.name]);
  const seen = new Set<readonly string[]>();
  const stack: ElementInfo[] = [model.root];
  for (let info = stack.pop(); info; info = stack.pop()) {
    const order = info.childOrder;
    // content models are shared by type: one visit per type, so recursive types end
    if (seen.has(order)) continue;
    seen.add(order);
    for (const name of order) {
      names.add(name);
      const child = info.child(name);
      if (child) stack.push(child);
    }
  }
  namesByModel.set(model, names);
  return names;
}
