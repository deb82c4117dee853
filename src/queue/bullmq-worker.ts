import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { GatewayError, isGatewayError, toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { getCommandFamily, type HandlerRegistry } from './command-queue.ts';
import {
  buildResultKey,
  encodeFailure,
  encodeReply,
  encodeResult,
  parseCommandJobData,
  type CommandJobData,
  type Reply,
} from './bullmq-protocol.ts';

/** Options of the BullMQ workers. */
export interface BullmqWorkersOptions {
  readonly redisUrl: string;
  /** Prefix of every BullMQ key and result key; the same as the sender's. */
  readonly prefix: string;
  readonly handlers: HandlerRegistry;
  /** Jobs run at once by each family's worker. */
  readonly concurrency: number;
  readonly logger: Logger;
  /** Results whose encoded reply is larger than this are parked in Redis and passed by reference. */
  readonly resultInlineMaxBytes: number;
  /** Lifetime of a parked result, in seconds. */
  readonly resultTtlSeconds: number;
  /** Lock on a running job, and the interval of the checks for jobs whose worker died. @defaultValue 30000 */
  readonly lockMs?: number;
  /** Told about every job that ran to an answer: its command, `ok` or the error code, and how long it took. */
  readonly onJobDone?: (command: string, outcome: string, seconds: number) => void;
}

/** The running workers of one process. */
export interface BullmqWorkers {
  /** Whether every worker runs and Redis answers (the worker process's readiness probe). */
  isReady(): Promise<boolean>;
  /** Stops taking jobs, lets active ones finish, then releases the connections. */
  close(): Promise<void>;
}

/**
 * Starts one BullMQ worker per command family that has handlers. It can run inside the
 * gateway or in separate processes on other machines; resolves once every worker is connected.
 */
export async function startBullmqWorkers(options: BullmqWorkersOptions): Promise<BullmqWorkers> {
  const { prefix, handlers, logger, resultInlineMaxBytes, resultTtlSeconds } = options;
  // Shared by the workers for regular commands; each worker duplicates it for its blocking fetch.
  const client = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  client.on('error', (err) => logger.warn({ err }, 'redis connection error (command worker)'));

  /**
   * Publishes a reply to the sender waiting on `replyTo`. A result too large for one pub/sub
   * message is parked under a key with a TTL, and the reply says where.
   */
  async function publishReply(replyTo: string, reply: Reply): Promise<void> {
    let message = encodeReply(reply);
    if ('result' in reply && message.length > resultInlineMaxBytes) {
      const key = buildResultKey(prefix, reply.jobId);
      await client.set(key, encodeResult(reply.result), 'EX', resultTtlSeconds);
      message = encodeReply({ jobId: reply.jobId, parkedAt: key });
    }
    await client.publish(replyTo, message);
  }

  /** A failure ends the job for good; the sender, if one waits, hears it first. */
  async function fail(data: CommandJobData | undefined, jobId: string, error: GatewayError, jobLogger: Logger): Promise<never> {
    if (data?.replyTo !== undefined) {
      await publishReply(data.replyTo, { jobId, error }).catch((err: unknown) => jobLogger.warn({ err }, 'could not publish the failure to its sender'));
    }
    throw new UnrecoverableError(encodeFailure(error));
  }

  async function processJob(job: Job<CommandJobData>, _token: string | undefined, cancelled: AbortSignal | undefined): Promise<unknown> {
    const jobId = job.id ?? '';
    let data: CommandJobData;
    try {
      data = parseCommandJobData(job.data);
    } catch (error) {
      logger.error({ err: error, jobId, command: job.name }, 'malformed command job');
      return fail(undefined, jobId, toGatewayError(error), logger);
    }
    const { meta, payload, replyTo } = data;
    const jobLogger = logger.child({ correlationId: meta.correlationId, command: job.name, jobId });
    const remaining = meta.deadline - Date.now();
    if (!(remaining > 0)) {
      // Nobody waits for it any more; running it would only spend downstream capacity.
      jobLogger.debug('command skipped: its deadline passed while it waited');
      return fail(data, jobId, new GatewayError('DEADLINE_EXCEEDED'), jobLogger);
    }
    const handler = handlers.get(job.name);
    if (!handler) {
      jobLogger.error('no handler is registered for this command');
      return fail(data, jobId, new GatewayError('INTERNAL_ERROR', `No handler is registered for command ${job.name}`), jobLogger);
    }

    const started = performance.now();
    const done = (outcome: string): void => options.onJobDone?.(job.name, outcome, (performance.now() - started) / 1000);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new GatewayError('DEADLINE_EXCEEDED')), remaining);
    const onCancel = (): void => controller.abort(new GatewayError('INTERNAL_ERROR', 'The command was cancelled'));
    cancelled?.addEventListener('abort', onCancel, { once: true });
    let result: unknown;
    try {
      result = await handler(payload, { meta, logger: jobLogger, signal: controller.signal });
      if (controller.signal.aborted) throw controller.signal.reason;
    } catch (error) {
      if (!isGatewayError(error)) jobLogger.error({ err: error }, 'command handler failed');
      done(isGatewayError(error) ? error.code : 'INTERNAL_ERROR');
      return fail(data, jobId, isGatewayError(error) ? error : new GatewayError('INTERNAL_ERROR'), jobLogger);
    } finally {
      clearTimeout(timer);
      cancelled?.removeEventListener('abort', onCancel);
    }
    done('ok');
    if (replyTo === undefined) return result ?? null;
    // The answer goes to its sender; the job completes without a return value, so it is not stored twice.
    await publishReply(replyTo, { jobId, result });
    return null;
  }

  const families = [...new Set([...handlers.keys()].map(getCommandFamily))];
  const workers = families.map((family) => {
    const worker = new Worker<CommandJobData>(family, processJob, {
      connection: client,
      prefix,
      concurrency: options.concurrency,
      ...(options.lockMs === undefined ? {} : { lockDuration: options.lockMs, stalledInterval: options.lockMs }),
    });
    worker.on('error', (err) => logger.warn({ err, family }, 'command worker error'));
    return worker;
  });

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await client.quit().catch(() => client.disconnect());
    })();
    return closing;
  }

  async function isReady(): Promise<boolean> {
    if (closing || !workers.every((worker) => worker.isRunning())) return false;
    return (await client.ping().catch(() => undefined)) === 'PONG';
  }

  try {
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ families, concurrency: options.concurrency }, 'command workers started');
  return { isReady, close };
}
