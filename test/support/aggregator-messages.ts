import { EDIST_172_NS, OO_MESSAGE_NS, OO_TYPES_NS } from '../../src/ndc/ndc-versions.ts';
import { asList, attr, text, type Doc } from './ndc-doc.ts';

/**
 * The messages of a seller of the aggregator tests, in 21.3 and 17.2: one adult, shop, price,
 * book (held without payment, or paid by card), retrieve, pay, cancel, naming the owner of the
 * offer or order as a seller does.
 */

export const PASSENGER = { id: 'PAX1', ptc: 'ADT', given: 'Grace', surname: 'Hopper', birthdate: '1980-12-09', gender21: 'F', gender17: 'Female' };

/** An offer as a seller picks it from an AirShoppingRS: enough to price and book it. */
export interface PickedOffer {
  readonly owner: string;
  readonly offerId: string;
  /** 17.2 only: the ShoppingResponseID. */
  readonly responseId?: string;
  readonly itemIds: readonly string[];
  readonly total: string;
  readonly currency: string;
}

// ---- 21.3 ------------------------------------------------------------------------------------

function message213(root: string, body: string, messageId?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${OO_MESSAGE_NS}" xmlns:c="${OO_TYPES_NS}">
  <DistributionChain><c:DistributionChainLink>
    <c:Ordinal>1</c:Ordinal><c:OrgRole>Seller</c:OrgRole><c:ParticipatingOrg><c:Name>Harbour Travel</c:Name><c:OrgID>HARBOUR01</c:OrgID></c:ParticipatingOrg>
  </c:DistributionChainLink></DistributionChain>
  <PayloadAttributes>${messageId ? `<c:CorrelationID>${messageId}</c:CorrelationID>` : ''}<c:VersionNumber>21.3</c:VersionNumber></PayloadAttributes>
  <Request>${body}
  </Request>
</${root}>`;
}

export function airShoppingRq213(origin: string, destination: string, date: string): string {
  return message213('IATA_AirShoppingRQ', `
    <c:FlightRequest><c:FlightRequestOriginDestinationsCriteria><c:OriginDestCriteria>
      <c:DestArrivalCriteria><c:IATA_LocationCode>${destination}</c:IATA_LocationCode></c:DestArrivalCriteria>
      <c:OriginDepCriteria><c:Date>${date}</c:Date><c:IATA_LocationCode>${origin}</c:IATA_LocationCode></c:OriginDepCriteria>
    </c:OriginDestCriteria></c:FlightRequestOriginDestinationsCriteria></c:FlightRequest>
    <c:PaxList><c:Pax><c:PaxID>${PASSENGER.id}</c:PaxID><c:PTC>${PASSENGER.ptc}</c:PTC></c:Pax></c:PaxList>`);
}

/** The offers of a 21.3 AirShoppingRS, each with its owner (from its CarrierOffers group and its own OwnerCode). */
export function offersOf213(doc: Doc): PickedOffer[] {
  return asList<Doc>(doc.Response?.OffersGroup?.CarrierOffers).flatMap((group) => asList<Doc>(group.Offer).map((offer) => ({
    owner: offer.OwnerCode as string,
    offerId: offer.OfferID as string,
    itemIds: asList<Doc>(offer.OfferItem).map((item) => item.OfferItemID as string),
    total: text(offer.TotalPrice?.TotalAmount) ?? text(asList<Doc>(offer.OfferItem)[0]?.Price?.TotalAmount)!,
    currency: attr(offer.TotalPrice?.TotalAmount, 'CurCode') ?? 'EUR',
  })));
}

function selectedItems213(offer: PickedOffer): string {
  return offer.itemIds.map((id) => `<c:SelectedOfferItem><c:OfferItemRefID>${id}</c:OfferItemRefID><c:PaxRefID>${PASSENGER.id}</c:PaxRefID></c:SelectedOfferItem>`).join('');
}

export function offerPriceRq213(offer: PickedOffer): string {
  return message213('IATA_OfferPriceRQ', `
    <c:DataLists><c:PaxList><c:Pax><c:PaxID>${PASSENGER.id}</c:PaxID><c:PTC>${PASSENGER.ptc}</c:PTC></c:Pax></c:PaxList></c:DataLists>
    <c:PricedOffer><c:SelectedOfferList>
      <c:SelectedOffer><c:OfferRefID>${offer.offerId}</c:OfferRefID><c:OwnerCode>${offer.owner}</c:OwnerCode>${selectedItems213(offer)}</c:SelectedOffer>
    </c:SelectedOfferList></c:PricedOffer>`);
}

function cardPayment213(card: string, amount: string, currency: string): string {
  return `
    <c:PaymentFunctions><c:PaymentProcessingDetails>
      <c:Amount CurCode="${currency}">${amount}</c:Amount>
      <c:PaymentMethod><c:PaymentCard>
        <c:CardHolderName>GRACE HOPPER</c:CardHolderName><c:CardNumber>${card}</c:CardNumber><c:CardSecurityCode>123</c:CardSecurityCode><c:ExpirationDate>1235</c:ExpirationDate>
      </c:PaymentCard></c:PaymentMethod>
    </c:PaymentProcessingDetails></c:PaymentFunctions>`;
}

/** OrderCreateRQ of a priced offer: a hold without `card`, else paid by it. */
export function orderCreateRq213(offer: PickedOffer, messageId: string, card?: string): string {
  return message213('IATA_OrderCreateRQ', `
    <c:CreateOrder><c:AcceptSelectedQuotedOfferList><c:SelectedPricedOffer>
      <c:OfferRefID>${offer.offerId}</c:OfferRefID><c:OwnerCode>${offer.owner}</c:OwnerCode>${selectedItems213(offer)}
      <c:TotalOfferPriceAmount CurCode="${offer.currency}">${offer.total}</c:TotalOfferPriceAmount>
    </c:SelectedPricedOffer></c:AcceptSelectedQuotedOfferList></c:CreateOrder>
    <c:DataLists>
      <c:ContactInfoList><c:ContactInfo>
        <c:ContactInfoID>CTC1</c:ContactInfoID>
        <c:EmailAddress><c:EmailAddressText>grace.hopper@example.com</c:EmailAddressText></c:EmailAddress>
      </c:ContactInfo></c:ContactInfoList>
      <c:PaxList><c:Pax><c:ContactInfoRefID>CTC1</c:ContactInfoRefID>
        <c:Individual><c:Birthdate>${PASSENGER.birthdate}</c:Birthdate><c:GenderCode>${PASSENGER.gender21}</c:GenderCode><c:GivenName>${PASSENGER.given}</c:GivenName><c:Surname>${PASSENGER.surname}</c:Surname></c:Individual>
        <c:PaxID>${PASSENGER.id}</c:PaxID><c:PTC>${PASSENGER.ptc}</c:PTC>
      </c:Pax></c:PaxList>
    </c:DataLists>${card ? cardPayment213(card, offer.total, offer.currency) : ''}`, messageId);
}

function orderRef213(orderId: string, owner: string): string {
  return `
    <c:Order><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>${owner}</c:OwnerCode></c:Order>`;
}

export function orderRetrieveRq213(orderId: string, owner: string): string {
  return message213('IATA_OrderRetrieveRQ', `
    <c:OrderValidationFilterCriteria><c:OrderFilterCriteria><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>${owner}</c:OwnerCode></c:OrderFilterCriteria></c:OrderValidationFilterCriteria>`);
}

/** OrderChangeRQ paying a held order by card. */
export function payRq213(orderId: string, owner: string, card: string, amount: string, currency: string, messageId: string): string {
  return message213('IATA_OrderChangeRQ', `${orderRef213(orderId, owner)}${cardPayment213(card, amount, currency)}`, messageId);
}

/** OrderReshopRQ quoting the cancellation of the whole order (21.3 has no OrderCancelRQ). */
export function reshopCancelRq213(orderId: string): string {
  return message213('IATA_OrderReshopRQ', `
    <c:OrderRefID>${orderId}</c:OrderRefID>
    <c:UpdateOrder><c:CancelOrderRef><c:OrderRefID>${orderId}</c:OrderRefID></c:CancelOrderRef></c:UpdateOrder>`);
}

/** OrderChangeRQ accepting the cancellation offer of an OrderReshopRS. */
export function acceptCancelRq213(orderId: string, owner: string, offerId: string, messageId: string): string {
  return message213('IATA_OrderChangeRQ', `
    <c:ChangeOrderChoice><c:AcceptCancelledOffer><c:OfferID>${offerId}</c:OfferID><c:OwnerCode>${owner}</c:OwnerCode></c:AcceptCancelledOffer></c:ChangeOrderChoice>${orderRef213(orderId, owner)}`, messageId);
}

// ---- 17.2 ------------------------------------------------------------------------------------

function message172(root: string, body: string, echoToken?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${EDIST_172_NS}" Version="17.2"${echoToken ? ` EchoToken="${echoToken}"` : ''}>
  <Document><Name>LINDEN REISEN NDC</Name><ReferenceVersion>1.0</ReferenceVersion></Document>
  <Party><Sender><TravelAgencySender><Name>Linden Reisen Berlin</Name><IATA_Number>23498761</IATA_Number><AgencyID>LINDEN-BER</AgencyID></TravelAgencySender></Sender></Party>${body}
</${root}>`;
}

const PASSENGER_LIST_172 = `
    <PassengerList><Passenger PassengerID="${PASSENGER.id}"><PTC>${PASSENGER.ptc}</PTC></Passenger></PassengerList>`;

export function airShoppingRq172(origin: string, destination: string, date: string): string {
  return message172('AirShoppingRQ', `
  <CoreQuery><OriginDestinations>
    <OriginDestination OriginDestinationKey="OD1">
      <Departure><AirportCode>${origin}</AirportCode><Date>${date}</Date></Departure>
      <Arrival><AirportCode>${destination}</AirportCode></Arrival>
    </OriginDestination>
  </OriginDestinations></CoreQuery>
  <DataLists>${PASSENGER_LIST_172}
  </DataLists>`);
}

/** The offers of a 17.2 AirShoppingRS, each with its Owner. */
export function offersOf172(doc: Doc): PickedOffer[] {
  const responseId = text(doc.ShoppingResponseID?.ResponseID);
  return asList<Doc>(doc.OffersGroup?.AirlineOffers).flatMap((group) => asList<Doc>(group.Offer).map((offer) => {
    const total = offer.TotalPrice?.DetailCurrencyPrice?.Total;
    return {
      owner: attr(offer, 'Owner')!,
      offerId: attr(offer, 'OfferID')!,
      ...(responseId ? { responseId } : {}),
      itemIds: asList<Doc>(offer.OfferItem).map((item) => attr(item, 'OfferItemID')!),
      total: text(total)!,
      currency: attr(total, 'Code') ?? 'EUR',
    };
  }));
}

function offer172(offer: PickedOffer, withTotal: boolean): string {
  return `
      <Offer OfferID="${offer.offerId}" Owner="${offer.owner}" ResponseID="${offer.responseId ?? offer.offerId}">${withTotal ? `
        <TotalOfferPrice Code="${offer.currency}">${offer.total}</TotalOfferPrice>` : ''}${offer.itemIds.map((id) => `
        <OfferItem OfferItemID="${id}"><PassengerRefs>${PASSENGER.id}</PassengerRefs></OfferItem>`).join('')}
      </Offer>`;
}

export function offerPriceRq172(offer: PickedOffer): string {
  return message172('OfferPriceRQ', `
  <Query>${offer172(offer, false)}
  </Query>
  <DataLists>${PASSENGER_LIST_172}
  </DataLists>`);
}

function cardPayment172(card: string, amount: string, currency: string): string {
  return `
    <Payments><Payment>
      <Type>CC</Type>
      <Method><PaymentCard>
        <CardNumber>${card}</CardNumber><SeriesCode>123</SeriesCode><CardHolderName>GRACE HOPPER</CardHolderName>
        <EffectiveExpireDate><Expiration>1235</Expiration></EffectiveExpireDate>
      </PaymentCard></Method>
      <Amount Code="${currency}">${amount}</Amount>
    </Payment></Payments>`;
}

/** OrderCreateRQ of a priced offer: a hold without `card`, else paid by it. */
export function orderCreateRq172(offer: PickedOffer, echoToken: string, card?: string): string {
  return message172('OrderCreateRQ', `
  <Query>
    <Order>${offer172(offer, true)}
    </Order>${card ? cardPayment172(card, offer.total, offer.currency) : ''}
    <DataLists>
      <PassengerList><Passenger PassengerID="${PASSENGER.id}">
        <PTC>${PASSENGER.ptc}</PTC>
        <Individual><Birthdate>${PASSENGER.birthdate}</Birthdate><Gender>${PASSENGER.gender17}</Gender><GivenName>${PASSENGER.given}</GivenName><Surname>${PASSENGER.surname}</Surname></Individual>
        <ContactInfoRef>CTC1</ContactInfoRef>
      </Passenger></PassengerList>
      <ContactList><ContactInformation ContactID="CTC1">
        <ContactProvided><EmailAddress><EmailAddressValue>grace.hopper@example.com</EmailAddressValue></EmailAddress></ContactProvided>
      </ContactInformation></ContactList>
    </DataLists>
  </Query>`, echoToken);
}

export function orderRetrieveRq172(orderId: string, owner: string): string {
  return message172('OrderRetrieveRQ', `
  <Query><Filters><OrderID Owner="${owner}">${orderId}</OrderID></Filters></Query>`);
}

export function cancelRq172(orderId: string, owner: string, echoToken: string): string {
  return message172('OrderCancelRQ', `
  <Query><Order OrderID="${orderId}" Owner="${owner}"/></Query>`, echoToken);
}
