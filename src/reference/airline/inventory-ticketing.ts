import type {
  InventoryCancelCommand, InventoryCancelResult, InventoryDocument, InventoryIssueCommand, InventoryIssueResult, InventoryVoidCommand, InventoryVoidResult,
} from '../../contracts/airline/index.ts';
import { GatewayError } from '../../errors/index.ts';
import { expireHolds, expireHoldsOf } from './inventory-holds.ts';
import { freeItem, moveSeats } from './inventory-seat-counts.ts';
import { bookingOf, fingerprintOf, iso, nowMs, refuse, remember, replayOf, type InventoryState } from './inventory-state.ts';

/**
 * inventory.issue, inventory.void and inventory.cancel: held items issued (one e-ticket per
 * passenger for the flights, one EMD per passenger and paid ancillary), an issue undone, and items
 * cancelled with the documents that covered only them. Issue and cancel are keyed by requestKey.
 */

function nextDocumentNumber(state: InventoryState): string {
  state.serial = (state.serial + 1) % 10_000_000_000;
  return `${state.accountingCode}${String(state.serial).padStart(10, '0')}`;
}

export function issue(state: InventoryState, command: InventoryIssueCommand): InventoryIssueResult {
  expireHolds(state);
  const fingerprint = fingerprintOf(command);
  const earlier = replayOf(state.issues, command.requestKey, fingerprint);
  if (earlier) return { ...earlier, replayed: true };
  const booking = bookingOf(state, command.orderId);
  expireHoldsOf(state, booking);
  const targets = command.itemIds
    ? command.itemIds.map((id, i) => {
      const item = booking.items.get(id);
      if (!item) throw refuse(`Order ${command.orderId} has no item ${id} at the airline`, `/itemIds/${i}`);
      return item;
    })
    : [...booking.items.values()].filter((i) => i.status === 'HELD');
  const toIssue = targets.filter((i) => i.status !== 'ISSUED');
  for (const item of toIssue) {
    if (item.status !== 'HELD') {
      const record = state.holds.get(item.holdId);
      const when = record ? ` (held until ${iso(record.expiresAt)})` : '';
      throw new GatewayError('ORDER_NOT_CHANGEABLE', `Item ${item.itemId} of order ${command.orderId} is ${item.status.toLowerCase()}${when}; it can no longer be issued`);
    }
  }
  const issuedAt = iso(nowMs(state));
  const documents: InventoryDocument[] = [];
  const flights = toIssue.filter((i) => i.kind === 'FLIGHT');
  for (const pax of booking.passengers) {
    const covered = flights.filter((i) => i.paxIds.includes(pax.id)).map((i) => i.itemId);
    if (covered.length > 0) documents.push({ type: 'ET', number: nextDocumentNumber(state), paxId: pax.id, itemIds: covered, status: 'ISSUED', issuedAt });
  }
  for (const item of toIssue.filter((i) => i.kind !== 'FLIGHT' && i.price.total > 0)) {
    for (const paxId of item.paxIds) documents.push({ type: 'EMD', number: nextDocumentNumber(state), paxId, itemIds: [item.itemId], status: 'ISSUED', issuedAt });
  }
  for (const item of toIssue) {
    moveSeats(state, booking, item, 'sold');
    item.status = 'ISSUED';
  }
  booking.documents.push(...documents);
  const result: InventoryIssueResult = { orderId: command.orderId, documents, issued: toIssue.map((i) => i.itemId), replayed: false };
  remember(state, state.issues, command.requestKey, { fingerprint, result });
  return result;
}

export function voidIssue(state: InventoryState, command: InventoryVoidCommand): InventoryVoidResult {
  expireHolds(state);
  const earlier = state.issues.get(command.issueRequestKey)?.result;
  if (!earlier || earlier.orderId !== command.orderId) return { orderId: command.orderId, voidedDocuments: [], restored: [] };
  const booking = bookingOf(state, command.orderId);
  const voidedDocuments: InventoryDocument[] = [];
  for (const issued of earlier.documents) {
    const index = booking.documents.findIndex((d) => d.number === issued.number);
    const document = booking.documents[index];
    if (document?.status !== 'ISSUED') continue;
    const voided: InventoryDocument = { ...document, status: 'VOIDED' };
    booking.documents[index] = voided;
    voidedDocuments.push(voided);
  }
  const restored: string[] = [];
  for (const itemId of earlier.issued) {
    const item = booking.items.get(itemId);
    if (item?.status !== 'ISSUED') continue;
    moveSeats(state, booking, item, 'held');
    item.status = 'HELD';
    restored.push(itemId);
    const record = state.holds.get(item.holdId);
    if (record) {
      record.status = 'HELD';
      state.holdExpiries.schedule(record, record.expiresAt);
    }
  }
  // The issue is undone: the same key may issue afresh when its request is sent again.
  state.issues.delete(command.issueRequestKey);
  return { orderId: command.orderId, voidedDocuments, restored };
}

export function cancel(state: InventoryState, command: InventoryCancelCommand): InventoryCancelResult {
  expireHolds(state);
  const fingerprint = fingerprintOf(command);
  const earlier = replayOf(state.cancels, command.requestKey, fingerprint);
  if (earlier) return { ...earlier, replayed: true };
  const booking = state.bookings.get(command.orderId);
  if (!booking) {
    // Nothing was ever held for the order: cancelling it is already done.
    const result: InventoryCancelResult = { orderId: command.orderId, cancelled: [], voidedDocuments: [], replayed: false };
    remember(state, state.cancels, command.requestKey, { fingerprint, result });
    return result;
  }
  const targets = command.itemIds
    ? command.itemIds.map((id, i) => {
      const item = booking.items.get(id);
      if (!item) throw refuse(`Order ${command.orderId} has no item ${id} at the airline`, `/itemIds/${i}`);
      return item;
    })
    : [...booking.items.values()];
  const cancelled: string[] = [];
  for (const item of targets) {
    if (item.status === 'HELD' || item.status === 'ISSUED') {
      freeItem(state, booking, item, item.status);
      cancelled.push(item.itemId);
    }
    item.status = 'CANCELLED';
  }
  const voidedDocuments: InventoryDocument[] = [];
  booking.documents.forEach((document, index) => {
    if (document.status !== 'ISSUED') return;
    if (document.itemIds.every((id) => booking.items.get(id)?.status === 'CANCELLED')) {
      const voided: InventoryDocument = { ...document, status: 'VOIDED' };
      booking.documents[index] = voided;
      voidedDocuments.push(voided);
    }
  });
  const result: InventoryCancelResult = { orderId: command.orderId, cancelled, voidedDocuments, replayed: false };
  remember(state, state.cancels, command.requestKey, { fingerprint, result });
  return result;
}
