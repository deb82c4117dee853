import type { CompileFailure, CompileResults } from './schema-manifest.ts';

/** How the gateway serves the messages of a package, worked out from its compile results. */
export interface PackageServing {
  /** Messages validated through the one schema of their namespace. */
  readonly combined: readonly { readonly namespace: string; readonly messages: readonly string[] }[];
  /** Messages taken out of the combined schema of their namespace, which does not compile with them, and compiled on their own. */
  readonly excluded: readonly { readonly message: string; readonly file: string; readonly reason: string }[];
  /** Messages compiled on their own as the only message schema of their namespace (the PaymentClearance messages). */
  readonly onlyOfNamespace: readonly string[];
  /** Messages whose own XSD does not compile as published but which the combined schema serves (24.4 OrderChangeNotifRQ). */
  readonly combinedOnly: readonly CompileFailure[];
  /** Messages that compile neither way; the gateway refuses them. */
  readonly refused: readonly CompileFailure[];
}

/** Undefined for results without combined schemas (a manifest written before the gateway combined them). */
export function describePackageServing(results: CompileResults): PackageServing | undefined {
  const { combined } = results;
  if (combined === undefined) return undefined;
  const served = new Set(combined.flatMap((c) => c.messages));
  const compiled = new Set(results.compiled);
  const excluded = combined.flatMap((c) => c.excluded).filter((e) => compiled.has(e.message));
  const taken = new Set(combined.flatMap((c) => c.excluded.map((e) => e.message)));
  return {
    combined: combined.filter((c) => c.messages.length > 0).map(({ namespace, messages }) => ({ namespace, messages })),
    excluded,
    onlyOfNamespace: results.compiled.filter((m) => !served.has(m) && !taken.has(m)),
    combinedOnly: results.failures.filter((f) => served.has(f.message)),
    refused: results.failures.filter((f) => !served.has(f.message)),
  };
}
