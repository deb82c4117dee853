import type { ElementInfo } from '../../xml/index.ts';

/** Local name of an element's XSD type (`ID_Type`), or undefined for an anonymous type. */
export function localTypeName(info: ElementInfo): string | undefined {
  return info.typeName?.replace(/^\{[^}]*\}/, '');
}

/** `+` repeats and is required, `*` repeats, `?` optional, nothing for exactly one. */
function occurrence(info: ElementInfo): string {
  if (info.repeated) return info.minOccurs > 0 ? '+' : '*';
  return info.minOccurs > 0 ? '' : '?';
}

/** A short comment for a scaffolded rule: the XSD type and the attributes the author may add. */
export function describeElementHint(info: ElementInfo): string | undefined {
  const parts = [localTypeName(info), info.attributes.length > 0 ? `attributes: ${info.attributes.map((a) => `@${a}`).join(' ')}` : undefined];
  const text = parts.filter((part): part is string => part !== undefined).join('; ');
  return text === '' ? undefined : text;
}

/**
 * Children the XSD wants (minOccurs > 0) that the model does not list as required: they sit in a
 * choice (or an optional group), so the schema may need one of them and the scaffold cannot pick.
 */
export function listChoiceCandidates(info: ElementInfo): string[] {
  return info.childOrder.filter((name) => !info.required.includes(name) && (info.child(name)?.minOccurs ?? 0) > 0);
}

export interface ElementTreeOptions {
  /** Levels below the root. @defaultValue 4 */
  readonly depth?: number;
  /** Most lines written; the rest is summarised. @defaultValue 400 */
  readonly maxLines?: number;
}

/**
 * The element tree of a message as comment lines, for an author writing paths: `+` repeats and is
 * required, `*` repeats, `?` optional, `@Attr` attributes, `= text` where the element holds text.
 * Recursive types are shown once per branch.
 */
export function renderElementTree(root: ElementInfo, options: ElementTreeOptions = {}): string[] {
  const depth = options.depth ?? 4;
  const maxLines = options.maxLines ?? 400;
  const lines: string[] = [];
  let skipped = 0;
  const visit = (info: ElementInfo, level: number, types: ReadonlySet<string>): void => {
    for (const name of info.childOrder) {
      const child = info.child(name);
      if (!child) continue;
      if (lines.length >= maxLines) {
        skipped += 1;
        continue;
      }
      const attributes = child.attributes.map((a) => ` @${a}`).join('');
      const recursive = child.typeName !== undefined && types.has(child.typeName);
      lines.push(`${'  '.repeat(level)}${name}${occurrence(child)}${attributes}${child.hasText ? ' = text' : ''}${recursive ? ' (recursive)' : ''}`);
      if (level < depth && !recursive) visit(child, level + 1, child.typeName ? new Set([...types, child.typeName]) : types);
    }
  };
  visit(root, 1, new Set(root.typeName ? [root.typeName] : []));
  if (skipped > 0) lines.push(`  … ${skipped} more elements at these levels; see the XSD`);
  return lines;
}
