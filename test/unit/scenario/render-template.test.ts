import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate, TemplateRenderError, TemplateSyntaxError, type RenderContext } from '../../../src/tools/scenario/index.ts';
import type { ScenarioValue } from '../../../src/tools/scenario/index.ts';

const NOW = new Date('2030-02-27T10:11:12.345Z');

function context(vars: Record<string, ScenarioValue> = {}): RenderContext {
  let n = 0;
  return { vars: new Map(Object.entries(vars)), now: () => NOW, uuid: () => `uuid-${++n}` };
}

function render(source: string, vars: Record<string, ScenarioValue> = {}, mode: 'xml' | 'text' | 'regex' = 'xml'): string {
  return renderTemplate(compileTemplate(source), context(vars), mode);
}

function syntaxError(source: string): TemplateSyntaxError {
  try {
    compileTemplate(source);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return error;
    throw error;
  }
  throw new Error(`'${source}' compiled`);
}

describe('request templates: placeholders', () => {
  it('substitutes variables, with or without spaces inside the braces', () => {
    expect(render('<OfferID>{{offerId}}</OfferID><Owner>{{ owner }}</Owner>', { offerId: 'OF1', owner: 'XR' }))
      .toBe('<OfferID>OF1</OfferID><Owner>XR</Owner>');
  });

  it('computes dates from today in UTC, forwards and backwards, across a month end', () => {
    expect(render('{{date}} {{date+1}} {{date+45}} {{date-27}} {{ date+0 }}')).toBe('2030-02-27 2030-02-28 2030-04-13 2030-01-31 2030-02-27');
  });

  it('writes now as an ISO date-time without milliseconds, and a new uuid at each occurrence', () => {
    expect(render('{{datetime}} {{uuid}} {{uuid}}')).toBe('2030-02-27T10:11:12Z uuid-1 uuid-2');
  });

  it('joins a captured list with spaces by default (IDREFS), or with the separator given', () => {
    const vars = { paxIds: ['PAX1', 'PAX2', 'PAX3'] };
    expect(render('{{paxIds}}', vars)).toBe('PAX1 PAX2 PAX3');
    expect(render('{{paxIds | join:,}}', vars)).toBe('PAX1,PAX2,PAX3');
    expect(render("{{paxIds | join:', '}}", vars)).toBe('PAX1, PAX2, PAX3');
    expect(render('{{paxIds|join}}', vars)).toBe('PAX1 PAX2 PAX3');
  });

  it('picks one entry of a list by index, the last with -1; a single value is a list of one', () => {
    expect(render('{{paxIds[0]}} {{paxIds[-1]}} {{offerId[0]}}', { paxIds: ['PAX1', 'PAX2'], offerId: 'OF1' })).toBe('PAX1 PAX2 OF1');
  });

  it('wraps each entry in an element, with literal attributes when given, so repeated elements need no loop', () => {
    expect(render('{{paxIds | wrap:c:PaxRefID}}', { paxIds: ['PAX1', 'PAX2'] })).toBe('<c:PaxRefID>PAX1</c:PaxRefID><c:PaxRefID>PAX2</c:PaxRefID>');
    expect(render('{{ids | wrap:OfferItemID Owner="XR"}}', { ids: ['A-1'] })).toBe('<OfferItemID Owner="XR">A-1</OfferItemID>');
    expect(render('{{ids | wrap:Item}}', { ids: [] })).toBe('');
  });

  it('counts entries', () => {
    expect(render('{{paxIds | count}} {{one | count}}', { paxIds: ['PAX1', 'PAX2'], one: 'x' })).toBe('2 1');
  });

  it('escapes values for XML in templates, leaves them alone in text, and makes them literal in patterns', () => {
    const vars = { name: `O'Neil & <Sons> "Ltd"`, price: '12.50 (EUR)' };
    expect(render('<Name a="{{name}}">{{name}}</Name>', vars)).toBe('<Name a="O&apos;Neil &amp; &lt;Sons&gt; &quot;Ltd&quot;">O&apos;Neil &amp; &lt;Sons&gt; &quot;Ltd&quot;</Name>');
    expect(render('{{name}}', vars, 'text')).toBe(`O'Neil & <Sons> "Ltd"`);
    const pattern = new RegExp(`^${render('{{price}}', vars, 'regex')}$`);
    expect(pattern.test('12.50 (EUR)')).toBe(true);
    expect(pattern.test('12x50 (EUR)')).toBe(false);
  });

  it('leaves text without placeholders as it is, single braces included', () => {
    expect(render('<a>{x} } { </a>')).toBe('<a>{x} } { </a>');
  });

  it('lists the variables a template reads, once each, and not the built-ins', () => {
    expect(compileTemplate('{{a}}{{b[0]}}{{a | count}}{{date+3}}{{uuid}}').variables).toEqual(['a', 'b']);
  });
});

describe('request templates: mistakes', () => {
  it.each([
    ['{{offer-id}}', 'is not a placeholder'],
    ['{{}}', 'is not a placeholder'],
    ['{{date+x}}', 'is not a placeholder'],
    ['{{ids | upper}}', "unknown filter 'upper'"],
    ['{{ids | wrap}}', 'wrap takes an element name'],
    ['{{ids | wrap:<x>}}', 'wrap takes an element name'],
    ['{{ids | count:2}}', 'count takes no argument'],
    ['{{ids[0] | join:,}}', 'an indexed entry takes no filter'],
    ['{{uuid | join}}', 'uuid takes no filter'],
  ])('refuses %s: %s', (source, message) => {
    expect(syntaxError(`<a>${source}</a>`).message).toContain(message);
  });

  it('gives the offset of the bad placeholder, so the loader can name its line', () => {
    expect(syntaxError('<a>\n  {{ok}}\n  {{not ok}}</a>').offset).toBe('<a>\n  {{ok}}\n  '.length);
  });

  it('refuses to render a variable that is not set, naming those that are', () => {
    expect(() => render('{{offerId}}', { owner: 'XR', paxIds: [] })).toThrow(TemplateRenderError);
    expect(() => render('{{offerId}}', { owner: 'XR' })).toThrow("{{offerId}}: no variable 'offerId' (set: owner)");
  });

  it('refuses an index beyond the end of a list', () => {
    expect(() => render('{{paxIds[2]}}', { paxIds: ['PAX1', 'PAX2'] })).toThrow("'paxIds' has 2 entries");
  });
});
