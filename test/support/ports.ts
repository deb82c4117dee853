import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

/** A port something listens on (on 127.0.0.1) until the server is closed. */
export async function takePort(): Promise<{ port: number; server: Server }> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, server };
}

/** A port free a moment ago, for a process the test starts. */
export async function freePort(): Promise<number> {
  const { port, server } = await takePort();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
