import type { Request, Response } from 'express';
import type { GatewayError } from '../errors/index.ts';
import type { MappingRegistry } from '../mapping/index.ts';
import { addressUndetected, buildErrorAnswer, type ErrorAnswerDeps } from '../pipeline/error-answer.ts';
import { ndcHints } from './ndc-hints.ts';

/** Answers a request refused before its message was read: route, credentials, media type, size, load. */
export type SendError = (req: Request, res: Response, error: GatewayError) => void;

/**
 * The edge's refusals as NDC answers in the version the request names (path, `NDC-Version`
 * header, else the default): the RS of the route's message for a known client, else NDC `Errors`.
 */
export function createErrorSender(deps: ErrorAnswerDeps & { readonly mappings: MappingRegistry }): SendError {
  return (req, res, error) => {
    const address = addressUndetected(deps.config, deps.mappings.current(), { hints: ndcHints(req), ...(req.client ? { client: req.client } : {}) });
    res.status(error.definition.httpStatus).type('application/xml; charset=utf-8').send(buildErrorAnswer(deps, address, error, req.correlationId, req.log));
  };
}
