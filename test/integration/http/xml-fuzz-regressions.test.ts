import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDIST_172_NS, OO_MESSAGE_NS } from '../../../src/ndc/ndc-versions.ts';
import { airShoppingLhrFra213, errorCodeOf } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/** Inputs the XML fuzzer (xml-fuzz.test.ts) found wrong answers for, each named after its bug. */
describe('regressions found by fuzzing the XML edge', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('a 21.3 root name in the 17.2 namespace was answered 503 MESSAGE_UNAVAILABLE instead of 400 UNKNOWN_MESSAGE', async () => {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, airShoppingLhrFra213().replaceAll(OO_MESSAGE_NS, EDIST_172_NS));
    expect(answer.status, answer.text.slice(0, 800)).toBe(400);
    expect(errorCodeOf(answer.text)).toBe('UNKNOWN_MESSAGE');
  });
});
