import { describe, expect, it } from 'vitest';
import { isConnectionLost } from '../../../src/orders/sql-database.ts';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('isConnectionLost', () => {
  it.each([
    ['the server refused the connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['the socket was reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['the server shut down (fast shutdown)', withCode('57P01', 'terminating connection due to administrator command')],
    ['the server crashed (immediate shutdown)', withCode('57P02', 'terminating connection because of crash of another server process')],
    ['the server is starting up', withCode('57P03', 'the database system is starting up')],
    ['a connection exception', withCode('08006', 'connection failure')],
    ['too many connections', withCode('53300', 'sorry, too many clients already')],
    ['node-postgres saw the socket close', new Error('Connection terminated unexpectedly')],
    ['node-postgres after a connection error', new Error('Client has encountered a connection error and is not queryable')],
  ])('is true when %s', (_case, error) => {
    expect(isConnectionLost(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601', 'syntax error at or near')],
    ['a serialization failure', withCode('40001', 'could not serialize access')],
    ['an error of the gateway', new Error('Order ORD1 was changed by another request')],
    ['something that is not an error', 'Connection terminated'],
  ])('is false for %s', (_case, error) => {
    expect(isConnectionLost(error)).toBe(false);
  });
});
