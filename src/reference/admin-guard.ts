import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The guard of a reference service's admin routes (`/admin/...`): with an admin key they need
 * `Authorization: Bearer <key>`; without one only callers on loopback are let in.
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** `keyName` names the setting in the refusals, e.g. AIRLINE_ADMIN_KEY. */
export function adminGuard(adminKey: string | undefined, keyName: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (adminKey === undefined) {
      if (LOOPBACK.has(req.socket.remoteAddress ?? '')) return next();
      return sendError(res, 403, 'FORBIDDEN', `Without ${keyName} the admin routes answer loopback callers only`);
    }
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (given !== '' && sameKey(given, adminKey)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer');
    return sendError(res, 401, 'UNAUTHENTICATED', `The admin routes need Authorization: Bearer <${keyName}>`);
  };
}
