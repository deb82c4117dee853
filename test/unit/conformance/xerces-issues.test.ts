import { describe, expect, it } from 'vitest';
import { cleanXercesMessage, locateXercesIssues, parseXercesMessages } from '../../../src/xsd/xerces/xerces-issues.ts';
import { stripExternalDoctype } from '../../../src/xsd/xerces/xerces-schema-mirror.ts';

const NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';

describe('parseXercesMessages', () => {
  it('splits lines the library glued together and reads the trailing position', () => {
    const glued = `[error] cvc-complex-type.2.4.a: Invalid content was found starting with element '{"${NS}":PrefLevel}'. (44:18)[error] cvc-complex-type.2.3: Element 'PrefLevel' cannot have character [children], because the type's content type is element-only. (44:38)`;
    expect(parseXercesMessages([glued])).toEqual([
      { level: 'error', text: `cvc-complex-type.2.4.a: Invalid content was found starting with element '{"${NS}":PrefLevel}'.`, line: 44, column: 18 },
      { level: 'error', text: "cvc-complex-type.2.3: Element 'PrefLevel' cannot have character [children], because the type's content type is element-only.", line: 44, column: 38 },
    ]);
  });

  it('drops the repeat of a fatal error printed once more without its position', () => {
    const messages = ['[fatal] The element type "x" must be terminated by the matching end-tag "</x>". (1:20)', '[fatal] The element type "x" must be terminated by the matching end-tag "</x>".'];
    expect(parseXercesMessages(messages)).toEqual([{ level: 'fatal', text: 'The element type "x" must be terminated by the matching end-tag "</x>".', line: 1, column: 20 }]);
  });

  it('keeps a message without position', () => {
    expect(parseXercesMessages(["[fatal] src-resolve: Cannot resolve the name 'dsig:SignatureType'"])).toEqual([
      { level: 'fatal', text: "src-resolve: Cannot resolve the name 'dsig:SignatureType'" },
    ]);
  });
});

describe('cleanXercesMessage', () => {
  it('drops namespace URIs from qualified names', () => {
    expect(cleanXercesMessage(`One of '{"${NS}":AugmentationPoint, "${NS}":DistributionChain}' is expected.`)).toBe("One of 'AugmentationPoint, DistributionChain' is expected.");
    expect(cleanXercesMessage("pattern '[0-9]{1,19}' for type")).toBe("pattern '[0-9]{1,19}' for type");
  });
});

describe('locateXercesIssues', () => {
  const source = [
    '<?xml version="1.0"?>',
    '<Root>',
    '  <List>',
    '    <Item>a</Item>',
    '    <Item><Bad>x</Bad></Item>',
    '  </List>',
    '</Root>',
  ].join('\r\n');

  it('moves an issue at the end of a start tag to that element', () => {
    // Xerces reports the position just past `<Bad>`
    const [issue] = locateXercesIssues([{ level: 'error', text: "Invalid content 'Bad'", line: 5, column: 16 }], () => source, 10);
    expect(issue).toEqual({ message: "Invalid content 'Bad'", line: 5, column: 11, path: '/Root/List/Item[2]/Bad' });
  });

  it('moves an issue at an end tag to the element it closes', () => {
    const [issue] = locateXercesIssues([{ level: 'error', text: "The content of element 'List' is not complete", line: 6, column: 10 }], () => source, 10);
    expect(issue).toEqual({ message: "The content of element 'List' is not complete", line: 3, column: 3, path: '/Root/List' });
  });

  it('keeps the position of a well-formedness error, and caps the count', () => {
    const issues = locateXercesIssues([
      { level: 'fatal', text: 'broken', line: 5, column: 9 },
      { level: 'error', text: 'more', line: 5, column: 16 },
    ], () => source, 1);
    expect(issues).toEqual([{ message: 'broken', line: 5, column: 9 }]);
  });

  it('does not read the document for issues without position', () => {
    const issues = locateXercesIssues([{ level: 'error', text: 'no position' }], () => {
      throw new Error('read');
    }, 5);
    expect(issues).toEqual([{ message: 'no position' }]);
  });
});

describe('stripExternalDoctype', () => {
  it('drops the external DTD of a DOCTYPE and keeps its internal subset', () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE schema PUBLIC "-//W3C//DTD XMLSchema 200102//EN" "http://www.w3.org/2001/XMLSchema.dtd" [\n<!ENTITY dsig \'x\'>\n]>\n<schema/>';
    expect(stripExternalDoctype(text)).toBe('<?xml version="1.0"?>\n<!DOCTYPE schema [\n<!ENTITY dsig \'x\'>\n]>\n<schema/>');
    expect(stripExternalDoctype('<!DOCTYPE schema SYSTEM "x.dtd"><schema/>')).toBe('<!DOCTYPE schema><schema/>');
  });

  it('leaves schemas without an external DTD alone', () => {
    expect(stripExternalDoctype('<?xml version="1.0"?><xs:schema/>')).toBeUndefined();
    expect(stripExternalDoctype('<!DOCTYPE schema [<!ENTITY a "b">]><schema/>')).toBeUndefined();
    expect(stripExternalDoctype('<schema><!-- <!DOCTYPE x SYSTEM "y"> --></schema>')).toBeUndefined();
  });
});
