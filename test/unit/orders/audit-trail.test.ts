import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { runAudited, type AuditStamp, type NewAuditEntry } from '../../../src/orders/index.ts';

const logger = createLogger('silent');
const origin = { clientId: 'agency-1', message: 'OrderChangeRQ', channel: '21.3', correlationId: 'corr-1' };

/** The rows a message leaves, whether inserted on their own or carried by a write. */
function trail(failInserts = false): { rows: (NewAuditEntry | AuditStamp & { carried: true })[]; recorder: { recordAudit(entry: NewAuditEntry): Promise<void> } } {
  const rows: (NewAuditEntry | AuditStamp & { carried: true })[] = [];
  return {
    rows,
    recorder: {
      async recordAudit(entry) {
        if (failInserts) throw new Error('database down');
        rows.push(entry);
      },
    },
  };
}

describe('runAudited', () => {
  it('a message that writes nothing (a read, a replay) gets one row with the order and version of its result', async () => {
    const { rows, recorder } = trail();

    await runAudited(recorder, origin, logger, async (audit) => {
      audit.about({ orderId: 'ORD1', detail: { bookingReference: 'ABC234' } });
      return { version: 3 };
    }, (result) => ({ orderVersion: result.version }));

    expect(rows).toEqual([{ ...origin, orderId: 'ORD1', orderVersion: 3, detail: { bookingReference: 'ABC234' }, outcome: 'ok' }]);
  });

  it('a message whose write carried its row gets no second one', async () => {
    const { rows, recorder } = trail();

    await runAudited(recorder, origin, logger, (audit) => audit.write(async (stamp) => {
      rows.push({ ...stamp, carried: true });
      return 'written';
    }));

    expect(rows).toEqual([{ message: 'OrderChangeRQ', channel: '21.3', outcome: 'ok', carried: true }]);
  });

  it('a failure gets a row with its code, unless the write that undid the message carried that code already', async () => {
    const { rows, recorder } = trail();
    const declined = new GatewayError('PAYMENT_DECLINED');

    await expect(runAudited(recorder, origin, logger, async (audit) => {
      audit.about({ orderId: 'ORD1' });
      throw declined;
    })).rejects.toBe(declined);
    await expect(runAudited(recorder, origin, logger, async (audit) => {
      await audit.write(async (stamp) => rows.push({ ...stamp, carried: true }));
      await audit.write(async (stamp) => rows.push({ ...stamp, carried: true }), 'DOWNSTREAM_UNAVAILABLE');
      throw new GatewayError('DOWNSTREAM_UNAVAILABLE');
    })).rejects.toMatchObject({ code: 'DOWNSTREAM_UNAVAILABLE' });
    await expect(runAudited(recorder, origin, logger, async () => {
      throw new Error('bug');
    })).rejects.toThrow('bug');

    expect(rows).toEqual([
      { ...origin, orderId: 'ORD1', outcome: 'PAYMENT_DECLINED' },
      { message: 'OrderChangeRQ', channel: '21.3', outcome: 'ok', carried: true },
      { message: 'OrderChangeRQ', channel: '21.3', outcome: 'DOWNSTREAM_UNAVAILABLE', carried: true },
      { ...origin, outcome: 'INTERNAL_ERROR' },
    ]);
  });

  it('a write that fails does not count as carrying the row', async () => {
    const { rows, recorder } = trail();

    await expect(runAudited(recorder, origin, logger, (audit) => audit.write(async () => {
      throw new GatewayError('ORDER_VERSION_CONFLICT');
    }))).rejects.toMatchObject({ code: 'ORDER_VERSION_CONFLICT' });

    expect(rows).toEqual([{ ...origin, outcome: 'ORDER_VERSION_CONFLICT' }]);
  });

  it('answers nothing it could not audit, and throws a failure as it was when its row cannot be written', async () => {
    const { recorder } = trail(true);
    const declined = new GatewayError('PAYMENT_DECLINED');

    await expect(runAudited(recorder, origin, logger, async () => ({ order: 'read' }))).rejects.toThrow('database down');
    await expect(runAudited(recorder, origin, logger, async () => {
      throw declined;
    })).rejects.toBe(declined);
  });
});
