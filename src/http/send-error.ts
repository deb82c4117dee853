import type { Response } from 'express';
import type { GatewayError } from '../errors/index.ts';
import { buildGenericErrorsXml } from '../ndc/errors-content.ts';

/** Answers a request that never reached a known message (route, media type, body size) with NDC `Errors`. */
export function sendGatewayError(res: Response, error: GatewayError): void {
  const correlationId = String(res.getHeader('X-Correlation-ID') ?? '');
  res.status(error.definition.httpStatus).type('application/xml; charset=utf-8').send(buildGenericErrorsXml(error, correlationId));
}
