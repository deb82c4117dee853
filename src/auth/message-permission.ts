import { GatewayError } from '../errors/index.ts';
import { mayUseMessage, type ApiClient } from './api-client.ts';

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
