import type { NextFunction, Request, Response } from 'express';
import type { ApiClient, ClientRegistry } from '../auth/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { SendError } from './send-error.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated API client; set by {@link authenticateClient}. */
    client?: ApiClient;
  }
}

/**
 * Node's IncomingMessage carries `client`, a deprecated alias of its socket, under the name this
 * gateway gives the API client. Removed first thing, so that `req.client` is an API client or nothing.
 */
export function dropSocketAlias(req: Request, _res: Response, next: NextFunction): void {
  delete req.client;
  next();
}

/** What the request presented: a key, nothing, or credentials the gateway cannot read. */
type Presented = { kind: 'key'; key: string } | { kind: 'none' } | { kind: 'unreadable' };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Reads `Authorization: Bearer <key>` or `X-API-Key: <key>`; when both come, they must agree. */
function presentedKey(req: Request): Presented {
  const authorization = req.get('authorization');
  const header = req.get('x-api-key')?.trim();
  let bearer: string | undefined;
  if (authorization !== undefined) {
    bearer = BEARER.exec(authorization)?.[1];
    if (bearer === undefined) return { kind: 'unreadable' };
  }
  if (header !== undefined && header === '') return { kind: 'unreadable' };
  if (bearer !== undefined && header !== undefined && bearer !== header) return { kind: 'unreadable' };
  const key = bearer ?? header;
  return key === undefined ? { kind: 'none' } : { kind: 'key', key };
}

/** The client a request's credentials name, without refusing anything: undefined for a wrong or unreadable key. */
export function clientOfCredentials(registry: ClientRegistry, req: Request): ApiClient | undefined {
  const presented = presentedKey(req);
  if (presented.kind === 'key') return registry.authenticate(presented.key);
  return presented.kind === 'none' ? registry.anonymous : undefined;
}

function refuse(req: Request, res: Response, reason: 'missing' | 'invalid', sendError: SendError): void {
  // RFC 6750: a request without credentials gets the bare challenge; a wrong key also names the error.
  res.setHeader('WWW-Authenticate', reason === 'missing' ? 'Bearer realm="ndc-gateway"' : 'Bearer realm="ndc-gateway", error="invalid_token"');
  req.log.info({ reason, path: req.path }, 'request refused: no valid API key');
  const message = reason === 'missing' ? 'The request carries no API key' : 'The API key is not valid';
  sendError(req, res, new GatewayError('AUTH_REQUIRED', message, [{ message: 'Send the key as Authorization: Bearer <key> or X-API-Key: <key>' }]));
}

/**
 * Who a request without credentials is: the registry's anonymous client (the NDC routes: the demo
 * client in the embedded demo, else refused), or nobody, let through without a client (the
 * monitoring routes, where an anonymous caller sees status codes only, even in the embedded demo).
 */
export type WithoutCredentials = 'registry-anonymous' | 'nobody';

/**
 * Finds the API client of a request before its body is read, so a caller without a valid key
 * costs no parsing. A wrong key is refused even where a request without credentials would pass
 * as the demo client: the caller meant to be someone. The answer is NDC `Errors` in the version
 * the request names, since the message is not known yet. Keys are never logged.
 */
export function authenticateClient(registry: ClientRegistry, sendError: SendError, withoutCredentials: WithoutCredentials = 'registry-anonymous') {
  return (req: Request, res: Response, next: NextFunction): void => {
    const presented = presentedKey(req);
    if (presented.kind === 'none' && withoutCredentials === 'nobody') {
      next();
      return;
    }
    const client = clientOfCredentials(registry, req);
    if (!client) {
      refuse(req, res, presented.kind === 'none' ? 'missing' : 'invalid', sendError);
      return;
    }
    req.client = client;
    req.log = req.log.child({ clientId: client.id });
    next();
  };
}

/** A permission a client holds only when CLIENTS_FILE flags it (`"admin": true`, `"monitoring": true`, `"analytics": true`); `"*"` messages imply none. */
export type ClientPermission = 'admin' | 'monitoring' | 'analytics';

/**
 * Lets only clients holding `permission` through (after {@link authenticateClient}): 401 when the
 * request named no client, 403 when the client lacks the permission.
 */
export function requirePermission(permission: ClientPermission, sendError: SendError) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const client = req.client;
    if (!client) {
      refuse(req, res, 'missing', sendError);
      return;
    }
    if (!client[permission]) {
      req.log.info({ path: req.path, permission }, 'request refused: client lacks the permission');
      sendError(req, res, new GatewayError('MESSAGE_NOT_ALLOWED', `Client ${client.id} may not use the ${permission} routes`, [
        { message: `Declare the client with "${permission}": true in CLIENTS_FILE`, path: req.path },
      ]));
      return;
    }
    next();
  };
}
