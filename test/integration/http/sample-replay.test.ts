import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { loadMappingRegistry } from '../../../src/mapping/index.ts';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import type { CommandHandler } from '../../../src/queue/index.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { listSamples, moveDatesIntoFuture, schemaFileOf } from '../../support/samples.ts';
import { xmllintFile, xmllintText } from '../../support/xmllint.ts';
import { unexpectedRuleFindings } from '../../support/response-rules.ts';

const VERSIONS = ['21.3', '17.2'];
// The mappings decide which messages are served; replay the samples of exactly those.
const mappings = await loadMappingRegistry({ mappingsPath: loadConfig({}).mappingsPath, versions: VERSIONS });
const samples = VERSIONS.flatMap((version) => listSamples(version, mappings.mapped(version).map((m) => m.request)));

function rootOf(xml: string): string {
  return /<(?:[\w.-]+:)?(\w+)[\s>]/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''))?.[1] ?? '';
}

/**
 * The order change notification samples name airline orders no gateway holds: this stands in for
 * the order.airline-change handler and answers as the order store's does for an unknown order.
 */
const unknownOrders: CommandHandler = async (payload) => {
  const { changeId, orders } = payload as { changeId: string; orders: Record<string, string>[] };
  return { changeId, orders: orders.map((order) => ({ ...order, outcome: 'FAILED', error: { code: 'ORDER_NOT_FOUND', message: 'No such order' } })) };
};

describe('replaying the shared NDC request samples through the HTTP app', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2' }, undefined, { handlers: new Map([['order.airline-change', unknownOrders]]) });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('has samples to replay', () => {
    expect(samples.length).toBeGreaterThanOrEqual(15);
  });

  for (const sample of samples) describe(`${sample.version} ${sample.name}`, () => {
    const xml = readFileSync(sample.file, 'utf8');
    const reference = xmllintFile(sample.xsd!, sample.file);
    const response = mappings.find(sample.version, sample.message)!.response;

    it(`${reference.valid ? 'accepts' : 'rejects'} it as xmllint does, with a schema-valid ${response}`, async () => {
      const answer = await postXml(`${gw.url}/api/v1/ndc`, xml);
      if (reference.valid) {
        expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
      } else {
        expect(answer.status).toBe(400);
        expect(answer.text).toContain('XSD_INVALID');
      }
      const model = gw.gateway.deps.models.get(sample.version, response);
      if (!reference.valid && !model.root.childOrder.some((name) => name === 'Error' || name === 'Errors')) {
        // An Acknowledgement has no place for errors: an invalid notification gets the generic Errors.
        expect(rootOf(answer.text)).toBe('Errors');
        return;
      }
      expect(rootOf(answer.text)).toBe(NDC_VERSIONS[sample.version]!.rootName(response));
      const ours = gw.gateway.deps.schemas.get(sample.version, response).validate(answer.text);
      expect(ours, answer.text.slice(0, 2000)).toEqual([]);
      const lint = xmllintText(schemaFileOf(sample.version, response), answer.text);
      expect(lint.valid, lint.output).toBe(true);
      // What the gateway builds passes the business rules too, error answers included.
      expect(unexpectedRuleFindings(sample.version, answer.text)).toEqual([]);
    });

    if (sample.message === 'AirShoppingRQ' && reference.valid) {
      it('returns offers once its dates are moved into the future', async () => {
        const answer = await postXml(`${gw.url}/api/v1/ndc`, moveDatesIntoFuture(xml));
        expect(answer.status).toBe(200);
        expect(answer.text, answer.text.slice(0, 3000)).toMatch(/<(?:\w+:)?Offer\b[\s>]/);
        expect(answer.text).not.toMatch(/<(?:\w+:)?Errors?\b[\s>]/);
        const lint = xmllintText(schemaFileOf(sample.version, response), answer.text);
        expect(lint.valid, lint.output).toBe(true);
        expect(unexpectedRuleFindings(sample.version, answer.text)).toEqual([]);
      });
    }
  });
});
