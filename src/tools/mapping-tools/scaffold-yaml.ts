/**
 * The rules a scaffold writes, before they become YAML: few enough kinds that the text can be
 * written by hand, with a comment on each line where the XSD has something to say.
 */
export type ScaffoldRule =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'value'; readonly path: string; readonly required: boolean; readonly comment?: string }
  | {
    readonly kind: 'each'; readonly path: string; readonly required: boolean; readonly fields: readonly ScaffoldField[];
    readonly comment?: string; readonly notes?: readonly string[];
  }
  | { readonly kind: 'map'; readonly required: boolean; readonly fields: readonly ScaffoldField[]; readonly comment?: string; readonly notes?: readonly string[] };

export interface ScaffoldField {
  readonly key: string;
  readonly rule: ScaffoldRule;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A key as YAML needs it: `'@CurCode'` and `'#text'` quoted, element names plain. */
export function quoteYamlKey(key: string): string {
  return PLAIN_KEY.test(key) ? key : `'${key.replace(/'/g, "''")}'`;
}

function trailing(comment: string | undefined): string {
  return comment ? `  # ${comment}` : '';
}

/** Writes fields as block-style YAML at an indent; value rules stay on one line so the file reads like a table. */
export function renderScaffoldFields(fields: readonly ScaffoldField[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const { key, rule } of fields) {
    const name = quoteYamlKey(key);
    switch (rule.kind) {
      case 'literal':
        lines.push(`${pad}${name}: '${rule.value.replace(/'/g, "''")}'`);
        break;
      case 'value':
        lines.push(`${pad}${name}: { path: ${rule.path}${rule.required ? ', required: true' : ''} }${trailing(rule.comment)}`);
        break;
      case 'each':
        lines.push(`${pad}${name}:${trailing(rule.comment)}`);
        for (const note of rule.notes ?? []) lines.push(`${pad}  # ${note}`);
        lines.push(`${pad}  each: ${rule.path}`);
        if (rule.required) lines.push(`${pad}  required: true`);
        if (rule.fields.length === 0) lines.push(`${pad}  map: {}`);
        else lines.push(`${pad}  map:`, ...renderScaffoldFields(rule.fields, indent + 4));
        break;
      case 'map':
        lines.push(`${pad}${name}:${trailing(rule.comment)}`);
        for (const note of rule.notes ?? []) lines.push(`${pad}  # ${note}`);
        if (rule.required) lines.push(`${pad}  required: true`);
        if (rule.fields.length === 0) lines.push(`${pad}  keep: true`, `${pad}  map: {}`);
        else lines.push(`${pad}  map:`, ...renderScaffoldFields(rule.fields, indent + 4));
        break;
    }
  }
  return lines;
}
