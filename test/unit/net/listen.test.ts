import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpListener, explainListenError, ListenError, listenServer } from '../../../src/net/listen.ts';

describe('a port that cannot be listened on', () => {
  it('is one line that names the setting to change', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    try {
      const error = await listenServer(createServer(), port, '127.0.0.1', 'PORT').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ListenError);
      expect((error as Error).message).toBe(`PORT=${port}: the port is already in use on 127.0.0.1; set PORT to a free port`);

      // The reference services listen through createHttpListener: the failure is a rejection, not a crash.
      const airline = await createHttpListener((_req, res) => res.end()).listen(port).catch((e: unknown) => e);
      expect((explainListenError(airline, 'AIRLINE_PORT', port, '127.0.0.1') as Error).message).toMatch(/^AIRLINE_PORT=\d+: .*set AIRLINE_PORT to a free port$/);
    } finally {
      taken.close();
    }
  });

  it('names HOST when the address is not this machine\'s', () => {
    const error = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL' });
    expect((explainListenError(error, 'PORT', 8080, '10.255.255.1') as Error).message).toMatch(/^HOST=10\.255\.255\.1: .*set HOST/);
  });

  it('leaves any other error as it is', () => {
    const error = new Error('something else');
    expect(explainListenError(error, 'PORT', 8080, '127.0.0.1')).toBe(error);
  });
});
