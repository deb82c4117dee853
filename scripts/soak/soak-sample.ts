/**
 * One reading of a process's memory and CPU: RSS from /proc, the V8 heap from the process's own
 * Prometheus endpoint (prom-client's default metrics), CPU from /proc.
 */
import { cpuMs, rssMb } from '../bench-support.ts';

export interface MemoryReading {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  /** Memory of C++ objects bound to JS (Buffers, ArrayBuffers); libxml2-wasm's linear memory is in RSS. */
  readonly externalMb: number;
  /** User plus system CPU of the process since it started, ms. */
  readonly cpuMs: number;
}

/** A metric without labels from Prometheus text, or NaN. */
export function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

export async function readProcess(pid: number, metricsUrl: string, headers: Record<string, string> = {}): Promise<MemoryReading> {
  const res = await fetch(metricsUrl, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${metricsUrl}: ${res.status} ${text.slice(0, 200)}`);
  const mb = (name: string): number => metricValue(text, name) / 1e6;
  return {
    rssMb: rssMb(pid),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
    cpuMs: cpuMs(pid),
  };
}
