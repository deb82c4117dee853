import { OO_MESSAGE_NS } from '../../ndc/ndc-versions.ts';
import type { SchemaHeader } from '../../xsd/read-schema-header.ts';

/** The NDC version of a package and what gave it away. */
export interface PackageVersion {
  readonly version: string;
  readonly evidence: string;
}

const RELEASE_ID = /^IATA20(\d\d)\.(\d)(?:\.(\d+))?$/;
const EDIST_NS = /^http:\/\/www\.iata\.org\/IATA\/EDIST\/20(\d\d)\.(\d)$/;
const MESSAGE_NS = /^http:\/\/www\.iata\.org\/IATA\/2015\/00\/20(\d\d)\.(\d)\/IATA_(?!Payment)[\w.-]+$/;

/** `IATA2021.3.5` → [21, 3, 5]. */
function releaseOf(id: string | undefined): [number, number, number] | undefined {
  const match = id === undefined ? null : RELEASE_ID.exec(id);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

function isLater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return false;
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * Tells the NDC version of a package from its message schemas.
 * - 21.3, 24.4 and 26.1 share one message namespace, and a package keeps older message schemas
 *   unchanged (24.4 holds ids IATA2022.1 … IATA2024.4), so the version is the highest release id
 *   among the Offers & Orders messages. The PaymentClearance messages (id IATA2022.1, namespace
 *   `…/2022.1/…`) ride along in every package and say nothing about it.
 * - 17.2 names the version in its namespace, `…/IATA/EDIST/2017.2`.
 * - 18.1–20.1 name it in each message's namespace, `…/IATA/2015/00/2019.2/IATA_AirShoppingRQ`.
 * - Otherwise the most common release id.
 */
export function detectPackageVersion(messages: readonly SchemaHeader[]): PackageVersion | undefined {
  const offersAndOrders = messages.filter((m) => m.targetNamespace === OO_MESSAGE_NS);
  const releases = offersAndOrders.map((m) => ({ id: m.id, release: releaseOf(m.id) })).filter((r) => r.release !== undefined);
  if (releases.length > 0) {
    const highest = releases.reduce((a, b) => (isLater(b.release as number[], a.release as number[]) ? b : a));
    const [year, release] = highest.release as [number, number, number];
    return {
      version: `${year}.${release}`,
      evidence: `highest release id ${highest.id ?? ''} among ${offersAndOrders.length} Offers & Orders message schemas`,
    };
  }
  for (const pattern of [EDIST_NS, MESSAGE_NS]) {
    const versions = messages.flatMap((m) => {
      const match = m.targetNamespace === undefined ? null : pattern.exec(m.targetNamespace);
      return match ? [`${match[1]}.${match[2]}`] : [];
    });
    const version = mostCommon(versions);
    if (version !== undefined) {
      const sample = messages.find((m) => m.targetNamespace !== undefined && pattern.test(m.targetNamespace));
      return { version, evidence: `namespace ${sample?.targetNamespace ?? ''} of ${versions.length} message schemas` };
    }
  }
  const ids = messages.flatMap((m) => {
    const release = releaseOf(m.id);
    return release ? [`${release[0]}.${release[1]}`] : [];
  });
  const version = mostCommon(ids);
  return version === undefined ? undefined : { version, evidence: `most common release id among ${ids.length} message schemas` };
}
