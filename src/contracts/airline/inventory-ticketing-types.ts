import type { InventoryDocument } from './inventory-item-types.ts';

/** inventory.issue, inventory.void and inventory.cancel: documents issued, undone and cancelled. */

export interface InventoryIssueCommand {
  readonly orderId: string;
  readonly requestKey: string;
  /** @defaultValue every HELD item of the order */
  readonly itemIds?: readonly string[];
}

export interface InventoryIssueResult {
  readonly orderId: string;
  /** Documents issued by this request: one ET per passenger, one EMD per passenger and paid ancillary. */
  readonly documents: readonly InventoryDocument[];
  readonly issued: readonly string[];
  readonly replayed: boolean;
}

/** Undoes an issue request: its documents are voided and its items held again (until their hold expires). */
export interface InventoryVoidCommand {
  readonly orderId: string;
  /** The requestKey of the inventory.issue to undo. */
  readonly issueRequestKey: string;
}

export interface InventoryVoidResult {
  readonly orderId: string;
  readonly voidedDocuments: readonly InventoryDocument[];
  /** Items back to HELD; empty when the issue was never made, or already undone. */
  readonly restored: readonly string[];
}

export interface InventoryCancelCommand {
  readonly orderId: string;
  readonly requestKey: string;
  /** @defaultValue every item that is HELD or ISSUED */
  readonly itemIds?: readonly string[];
}

export interface InventoryCancelResult {
  readonly orderId: string;
  /** Items this request cancelled (HELD ones released, ISSUED ones given back). */
  readonly cancelled: readonly string[];
  /** Documents voided because every item they covered is cancelled. */
  readonly voidedDocuments: readonly InventoryDocument[];
  readonly replayed: boolean;
}
