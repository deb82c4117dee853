import { GatewayError } from '../../errors/index.ts';
import type { AirlineContext } from './airline-context.ts';
import type { Cabin, FareFamily, OrderRulesCommand, OrderRulesResult, Penalty } from '../../contracts/airline/index.ts';
import { groupByPtc, priceOfferItems } from './offer-builder.ts';
import { verifyFlightOffer } from './offer-price.handler.ts';
import { formatMoney } from '../../money/index.ts';

/**
 * Change fee per passenger with a seat, in EUR, for fare families that are changeable but not
 * refundable ("changes for a fee"). The fare data says whether a family may be changed, not what
 * it costs, so the fee follows the cabin as airlines commonly file it.
 */
const CHANGE_FEE_EUR: Readonly<Record<Cabin, number>> = { ECONOMY: 70, PREMIUM_ECONOMY: 100, BUSINESS: 150, FIRST: 0 };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** How a fare family's baggage reads to a traveller. */
function describeBaggage(family: FareFamily): string {
  const { checkedBags, checkedBagMaxKg, cabinBags } = family.baggageAllowance;
  const checked = checkedBags === 0 ? 'no checked bag' : `${plural(checkedBags, 'checked bag')} of up to ${checkedBagMaxKg} kg`;
  return `Baggage per passenger: ${checked} and ${plural(cabinBags, 'cabin bag')}.`;
}

/**
 * order.rules: the rules of the offer's fare family, with the penalties as amounts for the whole
 * offer. Changes: free for refundable families, a fee per seated passenger for the others, not
 * permitted when the family is not changeable. Cancellation: free for refundable families; for the
 * others the base fare is kept and only taxes are refunded. Orders are not kept by the airline yet,
 * so an orderId is refused like the other commands refuse it.
 */
export function showOrderRules(command: OrderRulesCommand, ctx: AirlineContext): OrderRulesResult {
  if (command.orderId !== undefined) {
    throw new GatewayError('INVALID_BUSINESS_DATA', `order ${command.orderId} not found`, [{ message: `unknown order ${command.orderId}`, path: '/orderId' }]);
  }
  if (command.offerId === undefined) throw new GatewayError('INVALID_BUSINESS_DATA', 'An offerId or orderId is required', [{ message: 'missing offerId', path: '/offerId' }]);
  const stored = verifyFlightOffer(ctx, command.offerId);
  const currency = command.currency ?? stored.currency;
  ctx.converter.check(currency, '/currency');
  const family = ctx.data.fares.fareFamilies.find((f) => f.code === stored.fareFamily.code);
  if (!family) throw new GatewayError('NO_AVAILABILITY', `Fare family ${stored.fareFamily.code} is no longer sold`, [{ message: 'fare withdrawn', path: '/offerId' }]);

  const money = (minor: number): { amount: number; text: string } => {
    const amount = ctx.converter.toMajor(minor, currency);
    return { amount, text: `${formatMoney(amount, currency)} ${currency}` };
  };
  const seated = stored.passengers.filter((p) => ctx.pricer.pricingType(p.type).data.seat).length;
  const feeMinor = ctx.converter.toMinor(CHANGE_FEE_EUR[family.cabin] / ctx.converter.rate('EUR'), currency);
  const baseMinor = priceOfferItems(ctx, stored.offerId, stored.pricedJourneys, family, stored.passengers, currency).total.base;

  let change: Penalty;
  if (!family.changeable) {
    change = { penaltyId: 'PEN-CHANGE', type: 'CHANGE', permitted: false, description: 'Changes are not permitted.' };
  } else if (family.refundable || feeMinor === 0) {
    change = { penaltyId: 'PEN-CHANGE', type: 'CHANGE', permitted: true, amount: 0, description: 'Changes before departure are free of charge; any fare difference is collected.' };
  } else {
    const total = money(feeMinor * seated);
    change = {
      penaltyId: 'PEN-CHANGE', type: 'CHANGE', permitted: true, amount: total.amount,
      description: `Changes before departure cost ${money(feeMinor).text} per passenger (${total.text} for this offer) plus any fare difference.`,
    };
  }
  const kept = money(baseMinor);
  const cancellation: Penalty = family.refundable
    ? { penaltyId: 'PEN-CANCEL', type: 'CANCELLATION', permitted: true, amount: 0, description: 'Refundable before departure free of charge.' }
    : { penaltyId: 'PEN-CANCEL', type: 'CANCELLATION', permitted: true, amount: kept.amount, description: `Not refundable: on cancellation the base fare of ${kept.text} is kept and taxes are refunded.` };

  const fareFamily = stored.fareFamily;
  return {
    offerId: stored.offerId,
    owner: stored.owner,
    currency,
    fareFamily,
    fareBasisCodes: [...new Set(groupByPtc(stored.passengers).map((g) => ctx.pricer.fareBasisCode(family.code, g.ptc)))],
    journeys: stored.journeys,
    penalties: [change, cancellation],
    ruleTexts: [
      { text: `${fareFamily.name} (${fareFamily.code}): ${fareFamily.description}` },
      { text: describeBaggage(fareFamily) },
      { ruleCode: '16', text: `${change.description} ${cancellation.description}` },
    ],
  };
}
