import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * Metrics across GATEWAY_PROCESSES. A scrape reaches one gateway process, which alone knows only
 * its own requests; it asks the primary, which collects every process's registry through
 * prom-client's AggregatorRegistry and answers with the sums.
 */

const REQUEST = 'ndc-gateway:metrics-request';
const ANSWER = 'ndc-gateway:metrics-answer';
/** A scrape waits this long for the primary before it reports this process alone. */
const AGGREGATE_TIMEOUT_MS = 2_000;

interface MetricsMessage {
  readonly type: string;
  readonly id: string;
  readonly text?: string;
  readonly error?: string;
}

function isMetricsMessage(message: unknown, type: string): message is MetricsMessage {
  return typeof message === 'object' && message !== null && (message as MetricsMessage).type === type && typeof (message as MetricsMessage).id === 'string';
}

/** In the primary: answers the gateway processes' requests for the aggregated metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMetricsMessage(message, REQUEST)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: message.id, text }),
      (error: unknown) => worker.send({ type: ANSWER, id: message.id, error: String(error) }),
    );
  });
}

/**
 * The metrics text a scrape of this process answers: the whole cluster's when this process is one
 * of GATEWAY_PROCESSES, else its own registry's.
 */
export function createMetricsReader(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  // prom-client answers the primary's collection with these registries; constructing an
  // AggregatorRegistry is what installs its answering listener in a cluster worker.
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
  return () => new Promise<string>((resolve) => {
    const id = randomUUID();
    const done = (text: string | Promise<string>): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(text);
    };
    const onMessage = (message: unknown): void => {
      if (!isMetricsMessage(message, ANSWER) || message.id !== id) return;
      done(message.text ?? registry.metrics());
    };
    const timer = setTimeout(() => done(registry.metrics()), AGGREGATE_TIMEOUT_MS);
    process.on('message', onMessage);
    process.send?.({ type: REQUEST, id });
  });
}
