import type { CardPaymentMethod, Order, OrderDocument, OrderPayment } from '../orders/one-order.ts';
import { amountDue } from './order-money.ts';

/** A payment as a client sees it: the masked card, never the token that can charge it. */
export type PaymentView = Omit<OrderPayment, 'method'> & { readonly method: Omit<CardPaymentMethod, 'token'> };

/** ISSUED, or VOIDED once every item it covered was cancelled. */
export type DocumentView = OrderDocument & { readonly status: 'ISSUED' | 'VOIDED' };

/**
 * The ONE Order as the order results carry it (OrderViewRS and the REST API): the record without
 * its owner and payment tokens, plus what is still due.
 */
export interface OrderView extends Omit<Order, 'ownerClientId' | 'payments' | 'documents'> {
  readonly amountDue: number;
  readonly payments: readonly PaymentView[];
  readonly documents: readonly DocumentView[];
}

export function toOrderView(order: Order): OrderView {
  const { ownerClientId: _owner, payments, documents, ...rest } = order;
  const cancelled = new Set(order.items.filter((i) => i.status === 'CANCELLED').map((i) => i.orderItemId));
  return {
    ...rest,
    amountDue: amountDue(order),
    payments: payments.map(({ method, ...payment }) => {
      const { token: _token, ...shown } = method;
      return { ...payment, method: shown };
    }),
    documents: documents.map((d) => ({ ...d, status: d.orderItemIds.every((id) => cancelled.has(id)) ? 'VOIDED' : 'ISSUED' })),
  };
}
