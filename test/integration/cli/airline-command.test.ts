import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/tools/cli/cli-main.ts';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import { TODAY } from '../../unit/airline/airline-test-support.ts';
import { FLIGHT_DATE, holdOrder, offerOn, shopLhrFra } from '../airline/airline-support.ts';
import { captureIo } from './cli-io.ts';

let airline: ReferenceAirline;
let url: string;

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await runCli(['airline', ...args], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

beforeAll(async () => {
  airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', now: () => TODAY });
  url = (await airline.listen(0, '127.0.0.1')).url;
  await holdOrder(url, offerOn(await shopLhrFra(url), '101'), 'ORD1');
});

afterAll(async () => {
  await airline.close();
});

describe('ndc-gateway airline', () => {
  it('change-flight moves a flight and prints the orders it hit and the event', async () => {
    const { code, stdout } = await cli(['change-flight', '--airline-url', url, '--flight', 'XR101', '--date', FLIGHT_DATE, '--shift', '90', '--reason', 'Runway works']);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as { kind: string; orderIds: string[]; event: { reason: string; segments: { departure: string }[] }; delivery: { status: string } };
    expect(answer.kind).toBe('SCHEDULE_CHANGE');
    expect(answer.orderIds).toEqual(['ORD1']);
    expect(answer.event.reason).toBe('Runway works');
    expect(answer.event.segments[0]?.departure).toBe(`${FLIGHT_DATE}T09:10:00`);
    // No AIRLINE_EVENTS_URL: the event is kept, not sent.
    expect(answer.delivery.status).toBe('NOT_CONFIGURED');

    const events = await cli(['events', '--airline-url', url]);
    expect(events.code).toBe(0);
    expect((JSON.parse(events.stdout) as { events: unknown[] }).events).toHaveLength(1);
  });

  it('--cancel and --aircraft make a cancellation and an equipment change', async () => {
    const cancelled = await cli(['change-flight', '--airline-url', url, '--segment', `SEG-XR103-${FLIGHT_DATE.replaceAll('-', '')}`, '--cancel']);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ kind: 'CANCELLATION', orderIds: [], flight: { cancelled: true } });
    const reequipped = await cli(['change-flight', '--airline-url', url, '--flight', '105', '--date', FLIGHT_DATE, '--aircraft', '32Q']);
    expect(reequipped.code).toBe(0);
    expect(JSON.parse(reequipped.stdout)).toMatchObject({ kind: 'EQUIPMENT_CHANGE', flight: { after: { aircraft: '32Q' } } });
  });

  it('exits 1 when the airline refuses, 2 on a usage error', async () => {
    const refused = await cli(['change-flight', '--airline-url', url, '--flight', 'XR101', '--date', FLIGHT_DATE, '--aircraft', 'ZZZ']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ZZZ');
    expect((await cli(['change-flight', '--airline-url', url, '--flight', 'XR101', '--date', FLIGHT_DATE])).code).toBe(2);
    expect((await cli(['change-flight', '--airline-url', url, '--flight', 'XR101', '--date', FLIGHT_DATE, '--cancel', '--shift', '5'])).code).toBe(2);
    expect((await cli(['change-flight', '--airline-url', url, '--date', FLIGHT_DATE, '--cancel'])).code).toBe(2);
  });
});
