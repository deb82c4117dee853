import { describe, expect, it } from 'vitest';
import {
  checkExpectations, compileTemplate, createResponseReader, parseResponsePath, renderTemplate,
  type AssertionContext, type ScenarioResponse, type StepExpectations,
} from '../../../src/tools/scenario/index.ts';

/** No schema packages: documents parse without a model, which these checks do not need. */
const reader = createResponseReader('/nonexistent/schemas');

const OK = `<?xml version="1.0" encoding="UTF-8"?>
<IATA_OfferPriceRS xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">
  <PayloadAttributes><VersionNumber>21.3</VersionNumber></PayloadAttributes>
  <Response>
    <PricedOffer>
      <OfferID>OF1</OfferID>
      <OfferItem><OfferItemID>OF1-1</OfferItemID></OfferItem>
      <OfferItem><OfferItemID>OF1-2</OfferItemID></OfferItem>
      <TotalPrice><TotalAmount CurCode="EUR">812.40</TotalAmount></TotalPrice>
    </PricedOffer>
  </Response>
</IATA_OfferPriceRS>`;

const ERRORS_21 = `<IATA_OfferPriceRS xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">
  <Error><Code>720</Code><DescText>Offer SRX-OF1 is not known</DescText><TypeCode>OFFER_NOT_FOUND</TypeCode></Error>
</IATA_OfferPriceRS>`;

const ERRORS_17 = `<OfferPriceRS xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">
  <Errors><Error Code="720" Status="OFFER_NOT_FOUND">Offer SRX-OF1 is not known</Error></Errors>
</OfferPriceRS>`;

function response(text: string, status = 200, version = '21.3'): ScenarioResponse {
  return reader.read({ status, contentType: 'application/xml', text }, version);
}

function check(expect: StepExpectations, answer: ScenarioResponse, xsdIssues: string[] = []): ReturnType<typeof checkExpectations> {
  const vars = new Map(Object.entries({ offerId: 'OF1', currency: 'EUR', items: ['OF1-1', 'OF1-2'] }));
  const context: AssertionContext = {
    response: answer,
    render: (t) => renderTemplate(t, { vars, now: () => new Date() }, 'text'),
    renderPattern: (t) => renderTemplate(t, { vars, now: () => new Date() }, 'regex'),
    validateXsd: () => xsdIssues,
  };
  return checkExpectations(expect, context);
}

const p = parseResponsePath;
const t = compileTemplate;

describe('step expectations', () => {
  it('passes when every check holds', () => {
    expect(check({
      status: [200],
      root: 'IATA_OfferPriceRS',
      xsdValid: true,
      noErrors: true,
      exists: [{ path: p('Response.PricedOffer'), present: true }, { path: p('Response.Warning'), present: false }],
      equals: [
        { path: p('Response.PricedOffer.OfferID'), expected: t('{{offerId}}') },
        { path: p('Response.PricedOffer.OfferItem.OfferItemID'), expected: [t('{{items[0]}}'), t('OF1-2')] },
        { path: p('Response.PricedOffer.TotalPrice.TotalAmount'), expected: t('812.40') },
      ],
      matches: [{ path: p('Response.PricedOffer.TotalPrice.TotalAmount.@CurCode'), pattern: t('^{{currency}}$') }],
      count: [{ path: p('Response.PricedOffer.OfferItem'), range: { min: 2, max: 2 } }, { path: p('Error'), range: { min: 0, max: 0 } }],
    }, response(OK))).toEqual([]);
  });

  it('status: names the expected and received status, with the NDC errors as excerpt', () => {
    expect(check({ status: [200, 201] }, response(ERRORS_21, 400))).toEqual([{
      assertion: 'status', message: 'expected HTTP 200 or 201, got 400', excerpt: '720 OFFER_NOT_FOUND Offer SRX-OF1 is not known',
    }]);
  });

  it('root: names the root element received', () => {
    expect(check({ root: 'IATA_AirShoppingRS' }, response(OK))[0]?.message).toBe('expected the root element IATA_AirShoppingRS, got IATA_OfferPriceRS');
  });

  it('xsdValid: reports how many problems and the first ones', () => {
    const [failure] = check({ xsdValid: true }, response(OK), ['3:5 /IATA_OfferPriceRS/Response: missing child', '9:1 /x: bad']);
    expect(failure?.message).toBe('IATA_OfferPriceRS (21.3) is not valid against its XSD: 2 problems');
    expect(failure?.excerpt).toBe('3:5 /IATA_OfferPriceRS/Response: missing child\n9:1 /x: bad');
  });

  it('noErrors: lists the errors of a 21.3 answer and of a 17.2 answer', () => {
    expect(check({ noErrors: true }, response(ERRORS_21))).toEqual([{
      assertion: 'noErrors', message: 'the response carries 1 NDC error', excerpt: '720 OFFER_NOT_FOUND Offer SRX-OF1 is not known',
    }]);
    expect(check({ noErrors: true }, response(ERRORS_17, 200, '17.2'))[0]?.excerpt).toBe('720 OFFER_NOT_FOUND Offer SRX-OF1 is not known');
  });

  it('exists: shows where a missing path stops matching, and what a path that should be absent selects', () => {
    const failures = check({
      exists: [{ path: p('Response.PricedOffer.Warning.Text'), present: true }, { path: p('Response.PricedOffer.OfferID'), present: false }],
    }, response(OK));
    expect(failures).toEqual([
      {
        assertion: 'exists Response.PricedOffer.Warning.Text',
        message: 'Response.PricedOffer.Warning.Text selects nothing',
        excerpt: "'Response.PricedOffer' holds OfferID, OfferItem, TotalPrice; no Warning there",
      },
      { assertion: 'exists Response.PricedOffer.OfferID: false', message: 'Response.PricedOffer.OfferID selects 1 element', excerpt: "'OF1'" },
    ]);
  });

  it('equals: compares the first value, or every value with a list, after rendering placeholders', () => {
    const failures = check({
      equals: [
        { path: p('Response.PricedOffer.OfferID'), expected: t('OF{{currency}}') },
        { path: p('Response.PricedOffer.OfferItem.OfferItemID'), expected: [t('OF1-1')] },
        { path: p('Response.PricedOffer'), expected: t('x') },
        { path: p('Response.Nope'), expected: t('x') },
      ],
    }, response(OK));
    expect(failures.map((f) => `${f.assertion}: ${f.message}`)).toEqual([
      "equals Response.PricedOffer.OfferID: expected 'OFEUR', got 'OF1'",
      "equals Response.PricedOffer.OfferItem.OfferItemID: expected ['OF1-1'], got ['OF1-1', 'OF1-2']",
      'equals Response.PricedOffer: Response.PricedOffer selects an element with child elements, not a value',
      'equals Response.Nope: Response.Nope selects nothing',
    ]);
    expect(failures[3]?.excerpt).toBe("'Response' holds PricedOffer; no Nope there");
  });

  it('equals: compares text exactly, so amounts are written as the answer writes them', () => {
    expect(check({ equals: [{ path: p('Response.PricedOffer.TotalPrice.TotalAmount'), expected: t('812.4') }] }, response(OK))[0]?.message)
      .toBe("expected '812.4', got '812.40'");
  });

  it('matches: every selected value must match, and something must be selected', () => {
    const failures = check({
      matches: [
        { path: p('Response.PricedOffer.OfferItem.OfferItemID'), pattern: t('-1$') },
        { path: p('Response.PricedOffer.Nope'), pattern: t('.') },
      ],
    }, response(OK));
    expect(failures.map((f) => [f.message, f.excerpt])).toEqual([
      ['1 of 2 values do not match /-1$/', "'OF1-2'"],
      ['Response.PricedOffer.Nope selects nothing', "'Response.PricedOffer' holds OfferID, OfferItem, TotalPrice; no Nope there"],
    ]);
  });

  it('count: exact and ranges', () => {
    const failures = check({
      count: [
        { path: p('Response.PricedOffer.OfferItem'), range: { min: 3, max: 3 } },
        { path: p('Response.PricedOffer.OfferItem'), range: { min: 3, max: Number.POSITIVE_INFINITY } },
        { path: p('Response.PricedOffer.OfferItem'), range: { min: 0, max: 1 } },
        { path: p('Response.PricedOffer.OfferItem'), range: { min: 5, max: 9 } },
      ],
    }, response(OK));
    expect(failures.map((f) => f.message)).toEqual(['expected 3, got 2', 'expected at least 3, got 2', 'expected at most 1, got 2', 'expected 5 to 9, got 2']);
  });

  it('judges the status of an answer that is not XML, and reports once that the other checks cannot run', () => {
    const html = '<html><body>Bad gateway</body></html';
    const failures = check({ status: [502], noErrors: true, equals: [{ path: p('Response'), expected: t('x') }] }, response(html, 502));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.assertion).toBe('response');
    expect(failures[0]?.message).toMatch(/^the answer is not an NDC document: /);
    expect(failures[0]?.excerpt).toBe(html);
    expect(check({ status: [200] }, response('', 502))[0]?.excerpt).toBe('');
  });
});

describe('reading answers', () => {
  it('takes the NDC document out of a SOAP envelope and judges it as 17.2 by its namespace', () => {
    const soap = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${ERRORS_17}</soap:Body></soap:Envelope>`;
    const answer = response(soap, 200, '21.3');
    expect(answer.rootName).toBe('OfferPriceRS');
    expect(answer.version).toBe('17.2');
    expect(answer.message).toBe('OfferPriceRS');
    expect(answer.schemaFile).toBe('/nonexistent/schemas/17.2/OfferPriceRS.xsd');
  });

  it('takes the version of a 21.3+ answer from its VersionNumber, else from the scenario', () => {
    expect(response(OK.replace('21.3', '24.4'), 200, '21.3').version).toBe('24.4');
    expect(response(ERRORS_21, 200, '26.1').version).toBe('26.1');
    expect(response(ERRORS_21, 200, '26.1').schemaFile).toBe('/nonexistent/schemas/26.1/IATA_OfferPriceRS.xsd');
  });
});
