import type { Request } from 'express';
import type { DetectionHints } from '../pipeline/detect-message.ts';

/** `/api/v1/ndc`, `/api/v1/ndc/{Message}` and `/api/v1/ndc/{version}/{Message}`. */
const NDC_PATH = /^\/api\/v1\/ndc(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/;

function decoded(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * What a request says of its message and version outside the body: the `NDC-Version` header and
 * the NDC route's path. Read from the URL itself, so that a refusal before the router has run
 * (401, 429, 503) knows them as well as the pipeline does.
 */
export function ndcHints(req: Request): DetectionHints {
  const header = req.get('ndc-version');
  const match = NDC_PATH.exec(req.baseUrl + req.path);
  const [first, second] = [decoded(match?.[1]), decoded(match?.[2])];
  return {
    ...(header ? { headerVersion: header } : {}),
    ...(second !== undefined ? { pathVersion: first!, routeMessage: second } : first !== undefined ? { routeMessage: first } : {}),
  };
}
