import { OAuthError } from '@dex/shared/errors';
import { locals } from '@dex/shared/http';
import type { WorkerMetrics } from '#http/metrics.ts';
import { requiredParam } from '#http/params.ts';
import { asOAuthError } from '#http/render-error.ts';
import { sendJson } from '#http/respond.ts';
import { CLIENT_FORM_ENDPOINT, type Route } from '#http/router.ts';
import { authorizationCode } from './grants/authorization-code.ts';
import { clientCredentials } from './grants/client-credentials.ts';
import { DEVICE_CODE_GRANT_TYPE, deviceCode } from './grants/device-code.ts';
import type { Grant, GrantDeps } from './grants/grant.ts';
import { refreshToken } from './grants/refresh-token.ts';

/** The grant types this worker serves, one file each under `grants/`; anything else is `unsupported_grant_type`. */
const GRANTS: ReadonlyMap<string, Grant> = new Map([
  ['authorization_code', authorizationCode],
  ['refresh_token', refreshToken],
  ['client_credentials', clientCredentials],
  [DEVICE_CODE_GRANT_TYPE, deviceCode],
]);

export const SUPPORTED_GRANT_TYPES: readonly string[] = [...GRANTS.keys()];

/**
 * `POST <issuer>/token` (RFC 6749 §3.2): a form, answered uncached (§5.1), errors per §5.2.
 * Each grant authenticates the client itself, first. Counts every request in
 * `dex_token_grants_total` by grant type and outcome.
 * @example routes.set('/token', tokenRoute({ ...grantDeps, metrics }));
 */
export function tokenRoute(deps: GrantDeps & { metrics: WorkerMetrics }): Route {
  return {
    ...CLIENT_FORM_ENDPOINT,
    async handle(req, res) {
      let label = 'other';
      try {
        const grantType = requiredParam(req.form, 'grant_type');
        const grant = GRANTS.get(grantType);
        if (grant === undefined) throw new OAuthError('unsupported_grant_type', `unsupported grant_type: ${grantType}`);
        label = grantType;
        sendJson(res, 200, await grant(req, deps, locals(res).log));
        deps.metrics.grants.inc({ grant_type: label, outcome: 'ok' });
      } catch (error) {
        deps.metrics.grants.inc({ grant_type: label, outcome: asOAuthError(error).error });
        throw error;
      }
    },
  };
}
