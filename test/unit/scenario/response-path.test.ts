import { describe, expect, it } from 'vitest';
import { nodeValue, parseResponsePath, ResponsePathError, selectNodes, selectValues } from '../../../src/tools/scenario/index.ts';

/** A parsed AirShoppingRS as parseXml gives it with its schema model: repeated elements are arrays. */
const SHOP = {
  Response: {
    OffersGroup: {
      CarrierOffers: [{
        Offer: [
          { OfferID: 'OF1', OwnerCode: 'XR', TotalPrice: { TotalAmount: { '#text': '812.40', '@CurCode': 'EUR' } }, OfferItem: [{ OfferItemID: 'OF1-1', FareDetail: [{ PaxRefID: ['PAX1', 'PAX2'] }] }, { OfferItemID: 'OF1-2', FareDetail: [{ PaxRefID: ['PAX3'] }] }] },
          { OfferID: 'OF2', OwnerCode: 'XR', TotalPrice: { TotalAmount: { '#text': '990.00', '@CurCode': 'EUR' } }, OfferItem: [{ OfferItemID: 'OF2-1', FareDetail: [{ PaxRefID: ['PAX1', 'PAX2', 'PAX3'] }] }] },
        ],
      }],
    },
    DataLists: { PaxList: { Pax: [{ PaxID: 'PAX1', PTC: 'ADT' }, { PaxID: 'PAX2', PTC: 'ADT' }, { PaxID: 'PAX3', PTC: 'CHD' }] } },
  },
  Success: '',
};

function values(path: string): string[] {
  return selectValues(SHOP, parseResponsePath(path)).values;
}

describe('response paths: capture by path', () => {
  it('reads one value with 0-based indexes, as the brief example writes it', () => {
    expect(values('Response.OffersGroup.CarrierOffers[0].Offer[0].OfferID')).toEqual(['OF1']);
    expect(values('Response.OffersGroup.CarrierOffers[0].Offer[1].OfferItem[0].OfferItemID')).toEqual(['OF2-1']);
  });

  it('selects every match without an index, in document order, like XPath', () => {
    expect(values('Response.OffersGroup.CarrierOffers.Offer.OfferID')).toEqual(['OF1', 'OF2']);
    expect(values('Response.OffersGroup.CarrierOffers.Offer.OfferItem.OfferItemID')).toEqual(['OF1-1', 'OF1-2', 'OF2-1']);
    expect(values('Response.DataLists.PaxList.Pax.PTC')).toEqual(['ADT', 'ADT', 'CHD']);
  });

  it('applies an index per parent, and -1 picks the last', () => {
    expect(values('Response.OffersGroup.CarrierOffers.Offer.OfferItem[0].OfferItemID')).toEqual(['OF1-1', 'OF2-1']);
    expect(values('Response.OffersGroup.CarrierOffers.Offer[-1].OfferID')).toEqual(['OF2']);
    expect(values('Response.DataLists.PaxList.Pax[7].PaxID')).toEqual([]);
  });

  it('reads a list element as its entries (a repeated PaxRefID)', () => {
    expect(values('Response.OffersGroup.CarrierOffers[0].Offer[0].OfferItem[0].FareDetail[0].PaxRefID')).toEqual(['PAX1', 'PAX2']);
  });

  it('reads attributes with @, and the text of an element that carries attributes', () => {
    expect(values('Response.OffersGroup.CarrierOffers[0].Offer[0].TotalPrice.TotalAmount.@CurCode')).toEqual(['EUR']);
    expect(values('Response.OffersGroup.CarrierOffers[0].Offer[0].TotalPrice.TotalAmount')).toEqual(['812.40']);
    expect(values('Response.OffersGroup.CarrierOffers[0].Offer[0].TotalPrice.TotalAmount.#text')).toEqual(['812.40']);
  });

  it('treats an empty element as the empty string, and an element with children as no value', () => {
    expect(values('Success')).toEqual(['']);
    expect(selectValues(SHOP, parseResponsePath('Response.DataLists.PaxList.Pax'))).toEqual({ values: [], complex: 3, nodes: 3 });
    expect(nodeValue({ '@Code': 'X' })).toBe('');
    expect(nodeValue({ Child: 'x' })).toBeUndefined();
  });

  it('selects nothing for a path that does not match, without throwing', () => {
    expect(selectNodes(SHOP, parseResponsePath('Response.Nope.OfferID'))).toEqual([]);
    expect(selectNodes(SHOP, parseResponsePath('Response.OffersGroup.CarrierOffers[0].Offer[0].OfferID.Deeper'))).toEqual([]);
    expect(selectNodes('text', parseResponsePath('A'))).toEqual([]);
  });

  it.each([
    ['', 'non-empty'],
    [' Response', 'without surrounding spaces'],
    ['Response..Offer', "'' is not a name"],
    ['Response.c:Offer', 'write local names, without namespace prefixes'],
    ['Response.Offer[x]', "'Offer[x]' is not a name"],
    ['Offer.@Owner.OfferID', "'@Owner' can only be the last step"],
    ['Offer.@Owner[0]', "'@Owner' takes no index"],
    ['/IATA_AirShoppingRS/Response', 'is not a name'],
  ])("refuses the path '%s' (%s)", (source, message) => {
    expect(() => parseResponsePath(source)).toThrow(ResponsePathError);
    expect(() => parseResponsePath(source)).toThrow(message);
  });
});
