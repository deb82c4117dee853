import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { GatewayError } from '../errors/index.ts';
import type { MappingSnapshot } from '../mapping/index.ts';
import { handleNdcRequest, type NdcAnswer, type PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { ndcHints } from './ndc-hints.ts';
import type { SendError } from './send-error.ts';

const XML_TYPES = ['application/xml', 'text/xml', 'application/soap+xml'];

function isXmlContentType(req: Request): boolean {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  return XML_TYPES.includes(type) || /^application\/[\w.+-]+\+xml$/.test(type);
}

const routeNamesBySnapshot = new WeakMap<MappingSnapshot, ReadonlySet<string>>();

/** Route names (`AirShopping`) of the messages mapped in any served version; computed once per mapping set. */
function routeNames(snapshot: MappingSnapshot, versions: readonly string[]): ReadonlySet<string> {
  let names = routeNamesBySnapshot.get(snapshot);
  if (!names) {
    names = new Set(versions.flatMap((version) => snapshot.mapped(version).map((m) => m.name)));
    routeNamesBySnapshot.set(snapshot, names);
  }
  return names;
}

/**
 * Journey tracking of an answer; must not reject. The answer waits for it (at most
 * TRACKING_WAIT_MS): a seller sends its next message only once it has this answer, so by then the
 * journey knows this one's offers and state, whichever gateway process the next one reaches.
 */
export type TrackNdcAnswer = (answer: NdcAnswer, req: Request, ms: number) => Promise<void> | undefined;

/** The longest an answer waits for its tracking; a slower journey store delays no answer further, and tracking goes on. */
export const TRACKING_WAIT_MS = 250;

function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** `POST /api/v1/ndc`, `POST /api/v1/ndc/{Message}` and `POST /api/v1/ndc/{version}/{Message}`. */
export function createNdcRouter(deps: PipelineDeps, sendError: SendError, track?: TrackNdcAnswer): Router {
  const router = express.Router();
  const rawXml = express.raw({ type: () => true, limit: deps.config.bodyLimitBytes });

  const accept = (req: Request, res: Response, next: NextFunction): void => {
    if (!isXmlContentType(req)) {
      sendError(req, res, new GatewayError('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${req.get('content-type') ?? '(none)'} is not accepted`));
      return;
    }
    next();
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const idempotencyKey = req.get('idempotency-key');
    const answer = await handleNdcRequest(deps, {
      body,
      correlationId: req.correlationId,
      hints: ndcHints(req),
      logger: req.log,
      ...(req.client ? { client: req.client } : {}),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observeRequest({ message: answer.message, version: answer.version, outcome: answer.outcome }, seconds);
    req.log.info({ message: answer.message, version: answer.version, outcome: answer.outcome, status: answer.status, ms: Math.round(seconds * 1000) }, 'ndc request');
    const tracking = track?.(answer, req, seconds * 1000);
    if (tracking) await settleWithin(tracking, TRACKING_WAIT_MS);
    res.status(answer.status).type(answer.contentType).send(answer.body);
  };

  const messageParam = (req: Request, res: Response, next: NextFunction): void => {
    const message = String(req.params.message);
    const served = routeNames(deps.mappings.current(), deps.config.versions);
    if (!served.has(message)) {
      sendError(req, res, new GatewayError('UNKNOWN_MESSAGE', `${message} is not a message this gateway serves`, [
        { message: `Served: ${[...served].sort().join(', ')}`, path: req.path },
      ]));
      return;
    }
    next();
  };

  router.post('/', accept, rawXml, handle);
  router.post('/:message', messageParam, accept, rawXml, handle);
  router.post('/:version/:message', messageParam, accept, rawXml, handle);
  return router;
}
