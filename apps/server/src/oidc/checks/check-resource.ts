import { OAuthError } from '@dex/shared/errors';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';

/**
 * The RFC 8707 `resource` of a token request: the resource server the access token is for
 * (its `aud`, in an RFC 9068 JWT). §2: an absolute URI without a fragment; one per request
 * here (a second is `invalid_request`, as every repeated parameter). Anything else is
 * `invalid_target`.
 * @example const resource = resourceParam(req);
 */
export function resourceParam(req: WorkerRequest): string | undefined {
  const resource = param(req.form, 'resource');
  if (resource === undefined) return undefined;
  if (!URL.canParse(resource) || resource.includes('#')) {
    throw new OAuthError('invalid_target', 'resource must be an absolute URI without a fragment (RFC 8707)');
  }
  return resource;
}
