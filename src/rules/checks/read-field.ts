import type { DocNode } from '../rule-types.ts';

/** A field of a node: `@Name` is an attribute, anything else the text of the first child of that name. */
export function readField(node: DocNode, field: string): string | undefined {
  if (field.startsWith('@')) return node.attributes[field.slice(1)];
  return node.children.find((child) => child.name === field)?.text;
}

/** The node a field's finding points at: the child element, or the node itself for an attribute. */
export function fieldNode(node: DocNode, field: string): DocNode {
  if (field.startsWith('@')) return node;
  return node.children.find((child) => child.name === field) ?? node;
}

/** An option that must be a string. */
export function stringOption(options: Readonly<Record<string, unknown>>, name: string, fallback?: string): string {
  const value = options[name] ?? fallback;
  if (typeof value !== 'string') throw new TypeError(`rule option '${name}' must be a string`);
  return value;
}

/** An option that must be a list of strings. */
export function listOption(options: Readonly<Record<string, unknown>>, name: string, fallback: readonly string[] = []): readonly string[] {
  const value = options[name] ?? fallback;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new TypeError(`rule option '${name}' must be a list of strings`);
  return value as string[];
}
