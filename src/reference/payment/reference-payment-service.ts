import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { schemaErrorDetails } from '../../contracts/schema-folders.ts';
import { createLogger, type Logger } from '../../log/logger.ts';
import { createHttpListener } from '../../net/listen.ts';
import { redactCardData, withCardDataRedaction, type MaskStyle } from '../../security/card-data.ts';
import { createAuthorisationLedger } from './authorisation-ledger.ts';
import { createCardVault } from './card-vault.ts';
import { PaymentApiError } from './payment-api-error.ts';
import { adminGuard } from '../admin-guard.ts';
import type { Authorisation, AuthorisationRequest, CardInput, PaymentErrorCode, RefundRequest } from '../../contracts/payment/payment-types.ts';
import { loadPaymentSchemas } from '../../contracts/payment/payment-schemas.ts';
import { loadTestCards, type TestCards } from './test-cards.ts';

export interface ReferencePaymentServiceOptions {
  /** Card data never reaches it: every object logged is redacted on the way. */
  readonly logger?: Logger;
  /** Clock; tests inject one to expire cards and tokens. */
  readonly now?: () => Date;
  /** Amounts above this many major units are declined (AMOUNT_LIMIT_EXCEEDED), in any currency. @defaultValue 10000 */
  readonly amountLimit?: number;
  /** @defaultValue the repository's fixtures/payment/test-cards.json */
  readonly testCards?: TestCards;
  /** @defaultValue 3600 */
  readonly tokenTtlSeconds?: number;
  /** How tokens show the card number. @defaultValue 'last4' */
  readonly maskStyle?: MaskStyle;
  /** How long a processing-error card keeps the caller waiting before its 503, to rehearse timeouts. @defaultValue 0 */
  readonly processingErrorDelayMs?: number;
  /** Bearer key of the admin routes (`/admin/...`); without it they answer loopback callers only. */
  readonly adminKey?: string;
}

export interface ReferencePaymentService {
  /** Starts listening; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Authorisations recorded so far (masked card data only): one per charge, however often it was retried. */
  authorisations(): readonly Authorisation[];
  /** Cards held in the vault. */
  readonly vaultSize: number;
}

function sendError(res: Response, code: PaymentErrorCode, status: number, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, ...(details !== undefined ? { details: redactCardData(details) } : {}) } });
}

/**
 * The reference payment service, a stand-in for a PSP: card data is exchanged for a token and
 * kept only in its memory vault, and authorisations, voids, captures and refunds run against
 * documented test cards (docs/payments.md). It runs on its own port, so the gateway reaches it
 * over HTTP exactly as it would a real PSP.
 */
export function createReferencePaymentService(options: ReferencePaymentServiceOptions = {}): ReferencePaymentService {
  const logger = withCardDataRedaction(options.logger ?? createLogger('silent'));
  const now = options.now ?? (() => new Date());
  const vault = createCardVault({ now, ...(options.tokenTtlSeconds !== undefined ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}), ...(options.maskStyle ? { maskStyle: options.maskStyle } : {}) });
  const ledger = createAuthorisationLedger({ vault, testCards: options.testCards ?? loadTestCards(), amountLimit: options.amountLimit ?? 10_000, now });
  const schemas = loadPaymentSchemas();
  const processingErrorDelayMs = options.processingErrorDelayMs ?? 0;

  /** The body, checked against its schema in schemas/payment/, or a 400 that names fields, never values. */
  function checked<T>(schema: string, body: unknown): T {
    const validate = schemas.get(schema);
    if (!validate) throw new Error(`No payment schema ${schema}`);
    if (!validate(body)) throw new PaymentApiError('INVALID_REQUEST', `The request breaks the ${schema} schema`, schemaErrorDetails(validate));
    return body as T;
  }

  type Handler = (req: Request, res: Response, log: Logger) => unknown;

  /** Routes stay thin: the vault and the ledger decide, refusals become error answers here. */
  const handle = (fn: Handler) => async (req: Request, res: Response): Promise<void> => {
    const log = res.locals.log as Logger;
    try {
      await fn(req, res, log);
    } catch (error) {
      if (!(error instanceof PaymentApiError)) throw error;
      if (error.code === 'PROCESSING_ERROR' && processingErrorDelayMs > 0) await sleep(processingErrorDelayMs);
      log.info({ code: error.code, reason: error.message }, 'payment request refused');
      sendError(res, error.code, error.status, error.message, error.details.length > 0 ? error.details : undefined);
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const correlationId = req.get('x-correlation-id') || randomUUID();
    res.locals.log = logger.child({ correlationId });
    res.setHeader('X-Correlation-ID', correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      (res.locals.log as Logger).info({ method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 }, 'payment request');
    });
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', tokens: vault.size, authorisations: ledger.size });
  });

  const json = express.json({ limit: '64kb' });

  // Every authorisation and where it stands, oldest first, so an operator or a reconciliation can
  // check that each order was captured once. No card data: the masked number and brand stay out.
  app.get('/admin/authorisations', adminGuard(options.adminKey, 'the payment service admin key'), (_req, res) => {
    res.json({ authorisations: ledger.list().map(({ maskedNumber: _masked, brand: _brand, ...rest }) => rest) });
  });

  app.post('/v1/tokens', json, handle((req, res, log) => {
    const token = vault.tokenise(checked<CardInput>('token.create', req.body));
    log.info({ token: token.token, maskedNumber: token.maskedNumber, brand: token.brand }, 'card tokenised');
    res.status(201).json(token);
  }));

  app.post('/v1/authorisations', json, handle((req, res, log) => {
    const { value, replayed } = ledger.authorise(checked<AuthorisationRequest>('authorisation.create', req.body));
    log.info({ authorisationId: value.authorisationId, status: value.status, declineReason: value.declineReason, amount: value.amount, currency: value.currency,
      reference: value.reference, maskedNumber: value.maskedNumber, replayed }, replayed ? 'authorisation replayed' : 'authorisation');
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(replayed ? 200 : 201).json(value);
  }));

  app.get('/v1/authorisations/:id', handle((req, res) => {
    res.json(ledger.get(String(req.params.id)));
  }));

  app.post('/v1/authorisations/:id/void', handle((req, res, log) => {
    const value = ledger.void(String(req.params.id));
    log.info({ authorisationId: value.authorisationId, status: value.status }, 'authorisation voided');
    res.json(value);
  }));

  app.post('/v1/authorisations/:id/capture', handle((req, res, log) => {
    const value = ledger.capture(String(req.params.id));
    log.info({ authorisationId: value.authorisationId, status: value.status, capturedAmount: value.capturedAmount }, 'authorisation captured');
    res.json(value);
  }));

  app.post('/v1/refunds', json, handle((req, res, log) => {
    const { value, replayed } = ledger.refund(checked<RefundRequest>('refund.create', req.body));
    log.info({ refundId: value.refundId, authorisationId: value.authorisationId, amount: value.amount, replayed }, replayed ? 'refund replayed' : 'refund');
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(replayed ? 200 : 201).json(value);
  }));

  app.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 404, 'No such route'));

  // Express recognises error handlers by their four parameters. Body-parser errors carry the raw
  // body, card data included, so only their type is logged.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const log = (res.locals.log as Logger | undefined) ?? logger;
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.parse.failed') {
      log.info({ type }, 'payment request body is not JSON');
      return sendError(res, 'INVALID_REQUEST', 400, 'The body is not valid JSON');
    }
    if (type === 'entity.too.large') return sendError(res, 'BODY_TOO_LARGE', 413, 'The body is over 64 KB');
    if (typeof type === 'string') {
      log.info({ type }, 'payment request body refused');
      return sendError(res, 'INVALID_REQUEST', 400, 'The body could not be read');
    }
    log.error({ err: error }, 'payment request failed');
    return sendError(res, 'INTERNAL_ERROR', 500, 'The payment service could not process the request');
  });

  const http = createHttpListener(app);
  return {
    listen: (port, host) => http.listen(port, host),
    close() {
      vault.close();
      return http.close();
    },
    authorisations: () => ledger.list(),
    get vaultSize() {
      return vault.size;
    },
  };
}
