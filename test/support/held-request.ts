import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** A POST whose body is only partly sent, so the request stays in flight at the server. */
export interface HeldRequest {
  /** Settles once the server has the request and is waiting for its body (its `100 Continue`). */
  readonly admitted: Promise<void>;
  /** The server's answer, whenever it comes: before the body is complete, or after {@link finish}. */
  readonly answer: Promise<RawAnswer>;
  /** Sends the rest of the body. */
  finish(): void;
  /** Drops the connection. */
  abort(): void;
}

/**
 * POSTs `body` to `url` announcing its full length, but sends only the first `sentBytes` of it
 * (after the server's `100 Continue`) until {@link HeldRequest.finish}. An answer that arrives
 * while the body is incomplete proves the server answered without reading the body.
 */
export function holdRequest(url: string, body: Buffer, sentBytes: number, headers: Record<string, string> = {}): HeldRequest {
  let admit!: () => void;
  const admitted = new Promise<void>((resolve) => { admit = resolve; });
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/xml', 'content-length': String(body.length), expect: '100-continue', ...headers },
  });
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close the connection after answering without reading the body.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
  });
  req.on('continue', () => {
    req.write(body.subarray(0, sentBytes));
    admit();
  });
  req.flushHeaders();
  return {
    admitted,
    answer,
    finish: () => { req.end(body.subarray(sentBytes)); },
    abort: () => { req.destroy(); },
  };
}
