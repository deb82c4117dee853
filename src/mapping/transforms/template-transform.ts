import { parsePath, type CompiledPath } from '../mapping-path.ts';
import { defineTransform, requireText } from './transform-types.ts';

type TemplatePart = string | CompiledPath | typeof VALUE;

const VALUE = Symbol('value');

/** Splits '{a}-{b}' into literal text and compiled paths; `{{` and `}}` are literal braces. */
function compileTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i];
    const next = template[i + 1];
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      text += char;
      i += 1;
    } else if (char === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new Error(`template '${template}' has a '{' without '}'`);
      if (text) parts.push(text);
      text = '';
      const source = template.slice(i + 1, end).trim();
      parts.push(source === '$value' ? VALUE : parsePath(source));
      i = end;
    } else if (char === '}') {
      throw new Error(`template '${template}' has a '}' without '{'; write '}}' for a brace`);
    } else {
      text += char;
    }
  }
  if (text) parts.push(text);
  return parts;
}

export const templateTransform = defineTransform<TemplatePart[]>({
  name: 'template',
  description: "Builds text from paths over the current item, e.g. '{OfferID}-{$position}'; {$value} is the incoming value. Absent if any placeholder is absent.",
  input: 'source',
  prepare: (args) => {
    if (typeof args !== 'string' || args === '') throw new Error("template takes a text with {path} placeholders, e.g. { name: template, args: '{a}-{b}' }");
    return compileTemplate(args);
  },
  apply: (value, parts, ctx) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      let resolved = part === VALUE ? value : ctx.read(part);
      if (resolved !== null && typeof resolved === 'object' && !Array.isArray(resolved) && '#text' in resolved) {
        resolved = (resolved as Record<string, unknown>)['#text'];
      }
      if (resolved === undefined || resolved === null || resolved === '') return undefined;
      out += requireText(resolved, 'text in a template placeholder');
    }
    return out;
  },
});
