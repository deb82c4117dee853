import { GatewayError } from '../errors/index.ts';
import { maySpeakForAirline, mayUseMessage, type ApiClient } from './api-client.ts';

/**
 * Pipeline stage right after detection: refuses a message the client may not send. It runs
 * there, not at the HTTP edge, because the message is known only once the root element is read,
 * and then the refusal can be that message's RS carrying the error.
 * @throws GatewayError MESSAGE_NOT_ALLOWED
 */
export function checkMessagePermission(client: ApiClient, message: string): void {
  if (!mayUseMessage(client, message)) {
    throw new GatewayError('MESSAGE_NOT_ALLOWED', `Client ${client.id} may not send ${message}`, [{ message: `${message} is not among the messages of client ${client.id}` }]);
  }
}

/**
 * Refuses an airline event (a change to flights) of an airline the client does not speak for
 * (CLIENTS_FILE `airlines`).
 * @throws GatewayError MESSAGE_NOT_ALLOWED
 */
export function checkAirlinePermission(client: ApiClient, owner: string | undefined): void {
  if (!maySpeakForAirline(client, owner)) {
    throw new GatewayError('MESSAGE_NOT_ALLOWED', `Client ${client.id} may not send events of airline ${owner ?? '(none named)'}`,
      [{ message: `name one of the airlines of client ${client.id}: ${(client.airlines ?? []).join(', ')}`, path: '/owner' }]);
  }
}

/** The command an airline sends of its own changes: the airlines a client speaks for bound it. */
export const AIRLINE_EVENT_COMMAND = 'order.airline-change';

/**
 * Refuses an airline's change (command `order.airline-change`, from the JSON event route or an
 * NDC OrderChangeNotifRQ) whose `owner` the client does not speak for; other commands pass.
 * @throws GatewayError MESSAGE_NOT_ALLOWED
 */
export function checkCommandAirline(client: ApiClient, command: string, payload: unknown): void {
  if (command !== AIRLINE_EVENT_COMMAND) return;
  const owner = payload !== null && typeof payload === 'object' ? (payload as { owner?: unknown }).owner : undefined;
  checkAirlinePermission(client, typeof owner === 'string' ? owner : undefined);
}
