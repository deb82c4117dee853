import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import { writeXml } from '../xml/index.ts';
import type { SchemaModels } from './schema-models.ts';

/** Writes an RS of `version`, encoded once, with the compiled writer of its model. */
export function writeResponse(models: SchemaModels, version: string, response: string, content: Record<string, unknown>): Buffer {
  const info = NDC_VERSIONS[version]!;
  return writeXml(info.rootName(response), content, models.get(version, response), info);
}
