import { findAuthCode, revokeTokensOfAuthSession, spendAuthCode, type FoundAuthCode } from '@dex/shared/domain/auth';
import { OAuthError } from '@dex/shared/errors';
import type { Logger } from '@dex/shared/logging';
import { param, requiredParam } from '#http/params.ts';
import { checkCodeClient } from '../checks/check-code-client.ts';
import { checkCodeExpiry } from '../checks/check-code-expiry.ts';
import { checkCodeRedirectUri } from '../checks/check-code-redirect-uri.ts';
import { checkCodeVerifier } from '../checks/check-code-verifier.ts';
import { resourceParam } from '../checks/check-resource.ts';
import type { CodeExchange, CodeExchangeCheck } from '../checks/code-exchange.ts';
import { requireClient } from '../client-auth.ts';
import { loginTokenResponse, revokeGrantAccessTokens } from '../token-response.ts';
import type { Grant, GrantDeps } from './grant.ts';

/** The checks of an exchange by the code's own client, still unspent, in order. */
const CODE_CHECKS: readonly CodeExchangeCheck[] = [checkCodeExpiry, checkCodeRedirectUri, checkCodeVerifier];

/**
 * A code used twice (RFC 6749 §4.1.2, §10.5): the second use is refused and what the first
 * issued is revoked, the refresh tokens and the access tokens.
 */
async function refuseReplay(deps: GrantDeps, code: FoundAuthCode, log: Logger): Promise<never> {
  const revoked = await revokeTokensOfAuthSession(deps.prisma, code.session.id);
  await revokeGrantAccessTokens(deps, [code.session.id]);
  log.warn({ clientId: code.session.clientId, revoked }, 'authorization code replayed; tokens issued from it revoked');
  throw new OAuthError('invalid_grant', 'the authorization code was already used');
}

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3 with PKCE, RFC 7636 §4.6). The client is
 * authenticated and the code found before anything changes; only the code's own client can
 * spend it or set off the replay revocation, and only once its `redirect_uri` and PKCE
 * verifier check out. The spend is a compare-and-set: of two concurrent exchanges, one wins
 * and the other counts as a replay.
 */
export const authorizationCode: Grant = async (req, deps, log) => {
  const { client } = await requireClient(deps.store, req, { allowNone: true });
  const code = requiredParam(req.form, 'code');
  const resource = resourceParam(req);
  const found = await findAuthCode(deps.prisma, code);
  if (found === null) throw new OAuthError('invalid_grant', 'the authorization code is invalid or expired');
  const exchange: CodeExchange = {
    client,
    code: found,
    redirectUri: param(req.form, 'redirect_uri'),
    codeVerifier: param(req.form, 'code_verifier'),
    now: new Date(),
  };
  checkCodeClient(exchange);
  if (found.usedAt !== null) return refuseReplay(deps, found, log);
  for (const check of CODE_CHECKS) check(exchange);
  if (!(await spendAuthCode(deps.prisma, found, exchange.now))) return refuseReplay(deps, found, log);

  return loginTokenResponse(deps, found.session, client, resource);
};
