import type { Request, RequestHandler, Response } from 'express';
import { toGatewayError, type GatewayError } from '../errors/index.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';

/** Which API a JSON route belongs to, as its metrics and log lines name it. */
export interface JsonApi {
  readonly metrics: Pick<GatewayMetrics, 'observeRequest'>;
  /** Prefix of the metric's message label and of the log message: `one-order`, `journey`, `analytics`. */
  readonly name: string;
  /** Stands in for the NDC version in the metric. */
  readonly version: string;
  /** Answers the failures the API answers its own way, returning the error sent; undefined leaves the failure to `sendError`. */
  readonly sendFailure?: (thrown: unknown, res: Response) => GatewayError | undefined;
  /** The API's JSON error answer. */
  readonly sendError: (res: Response, error: GatewayError) => void;
}

/**
 * Wraps a JSON route's stages: any failure becomes the API's JSON error (an internal one is logged
 * with its cause); the outcome is counted and logged, as for NDC requests.
 */
export function answerJson(api: JsonApi, operation: string, work: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    const started = performance.now();
    let outcome = 'ok';
    try {
      await work(req, res);
    } catch (thrown) {
      let error = api.sendFailure?.(thrown, res);
      if (!error) {
        error = toGatewayError(thrown);
        if (error.definition.kind === 'internal') req.log.error({ code: error.code, err: error.cause ?? error }, `${api.name} request failed`);
        api.sendError(res, error);
      }
      outcome = error.code;
    }
    const seconds = (performance.now() - started) / 1000;
    api.metrics.observeRequest({ message: `${api.name}.${operation}`, version: api.version, outcome }, seconds);
    req.log.info({ operation, outcome, status: res.statusCode, ms: Math.round(seconds * 1000) }, `${api.name} request`);
  };
}
