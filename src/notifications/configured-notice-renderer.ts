import { createNdcSchemas } from '../airlines/ndc/ndc-schemas.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { XsdEngine } from '../xsd/index.ts';
import { createNdcNoticeRenderer } from './ndc-notice-renderer.ts';
import type { NoticeRenderer } from './notice-renderer.ts';

/**
 * The NDC renderer of the notice mappings (mappings/notices/), as the gateway and every worker
 * process run it: its schemas compile per version on the first NDC notice of that version, so a
 * gateway whose subscribers all take JSON pays nothing for it.
 */
export async function createConfiguredNoticeRenderer(
  config: Pick<Config, 'schemaPath' | 'mappingsPath' | 'airlineDesignator' | 'airlineName'>, engine: XsdEngine, logger: Logger,
): Promise<{ readonly renderer: NoticeRenderer; dispose(): void }> {
  const schemas = createNdcSchemas({ engine, schemaPath: config.schemaPath, logger });
  const renderer = await createNdcNoticeRenderer({ mappingsPath: config.mappingsPath, schemas, config, logger });
  return { renderer, dispose: () => schemas.dispose() };
}
