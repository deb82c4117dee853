import { toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { JsonValue } from './json-value.ts';

/**
 * The audit trail: one row per order message (NDC or REST) that read or wrote an order or a
 * payment, refusals and failures included. Rows are never changed or removed (the table refuses
 * UPDATE, DELETE and TRUNCATE) and hold no personal or card data.
 */

type Detail = { readonly [key: string]: JsonValue };

/** Who sent which message: the part of a row known before the message runs. */
export interface AuditOrigin {
  readonly clientId: string;
  /** The NDC message (`OrderCreateRQ`) or the REST operation (`one-order.deliver`). */
  readonly message: string;
  /** The NDC version the message came in (`21.3`), or `rest`. */
  readonly channel: string;
  readonly correlationId?: string;
}

/**
 * What a write of an order carries so the store writes the message's row in the write's own
 * statement: a change that committed cannot lack its row. The row's client, correlation id and
 * time are the write's event's; its order and version the write's.
 */
export interface AuditStamp {
  readonly message: string;
  readonly channel: string;
  /** @defaultValue 'ok' */
  readonly outcome?: string;
  readonly detail?: Detail;
}

/** What a message is about, as far as it is known. */
export interface AuditSubject {
  readonly orderId?: string;
  readonly orderVersion?: number;
  /** Never personal or card data. */
  readonly detail?: Detail;
}

export interface NewAuditEntry extends AuditOrigin, AuditSubject {
  /** `ok`, or the error code the message was answered with. */
  readonly outcome: string;
}

export interface AuditEntry extends NewAuditEntry {
  /** Increasing; pass the last one as `after` for the next page. */
  readonly id: number;
  /** ISO 8601 instant. */
  readonly at: string;
  readonly detail: Detail;
}

/** Rows of one order or one client (or both), oldest first. */
export interface AuditQuery {
  readonly orderId?: string;
  readonly clientId?: string;
  /** ISO 8601 instant, inclusive. */
  readonly from?: string;
  /** ISO 8601 instant, exclusive. */
  readonly to?: string;
  /** Only rows after this id. */
  readonly after?: number;
  /** @defaultValue 100, at most 1000 */
  readonly limit?: number;
}

/** The audit of one running message; see {@link runAudited}. */
export interface MessageAudit {
  /**
   * Runs a write of the order that carries this message's stamp (with `outcome`, 'ok' unless
   * given), so the store writes the message's row in the same statement.
   */
  write<T>(write: (stamp: AuditStamp) => Promise<T>, outcome?: string): Promise<T>;
  /** What the message is about, for the row written when no write carried its outcome. */
  about(subject: AuditSubject): void;
}

/** The part of the order store the audit needs. */
export interface AuditRecorder {
  recordAudit(entry: NewAuditEntry): Promise<void>;
}

/**
 * Runs one message and leaves its row in the audit trail. A write made through `audit.write`
 * writes the row with the order; otherwise (a read, a replay, a failure) one row is inserted once
 * the outcome is known. A read whose row cannot be written fails, so nothing is answered
 * unaudited; a failure whose row cannot be written is logged and the failure thrown as it was.
 */
export async function runAudited<T>(
  recorder: AuditRecorder,
  origin: AuditOrigin,
  logger: Logger,
  work: (audit: MessageAudit) => Promise<T>,
  subjectOf: (result: T) => AuditSubject = () => ({}),
): Promise<T> {
  let subject: AuditSubject = {};
  /** The outcome of the last write that carried this message's row. */
  let written: string | undefined;
  const audit: MessageAudit = {
    async write(write, outcome = 'ok') {
      const done = await write({ message: origin.message, channel: origin.channel, outcome, ...(subject.detail ? { detail: subject.detail } : {}) });
      written = outcome;
      return done;
    },
    about(more) {
      subject = { ...subject, ...more, ...(subject.detail || more.detail ? { detail: { ...subject.detail, ...more.detail } } : {}) };
    },
  };
  const entry = (outcome: string): NewAuditEntry => ({ ...origin, ...subject, outcome });
  let result: T;
  try {
    result = await work(audit);
  } catch (error) {
    const { code } = toGatewayError(error);
    if (written !== code) {
      await recorder.recordAudit(entry(code)).catch((failure: unknown) => {
        logger.error({ err: failure, outcome: code }, 'audit row of a failed message not written');
      });
    }
    throw error;
  }
  if (written !== 'ok') {
    audit.about(subjectOf(result));
    await recorder.recordAudit(entry('ok'));
  }
  return result;
}
