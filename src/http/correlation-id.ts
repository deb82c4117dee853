import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log/logger.ts';

const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    correlationId: string;
    log: Logger;
  }
}

/** Takes `X-Correlation-ID` from the request or makes one, echoes it, and gives the request a child logger that carries it. */
export function correlationId(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get('x-correlation-id');
    const id = given && ACCEPTABLE.test(given) ? given : randomUUID();
    req.correlationId = id;
    req.log = logger.child({ correlationId: id });
    res.setHeader('X-Correlation-ID', id);
    next();
  };
}
