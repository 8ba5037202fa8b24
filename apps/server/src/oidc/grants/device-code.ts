import { findAuthSession, pollDeviceAuthorization } from '@dex/shared/domain/auth';
import { OAuthError, type OAuthErrorCode } from '@dex/shared/errors';
import { requiredParam } from '#http/params.ts';
import { requireClient } from '../client-auth.ts';
import { loginTokenResponse } from '../token-response.ts';
import type { Grant } from './grant.ts';

/** The grant type of RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** What a poll that gets no tokens is told (RFC 8628 §3.5). */
const NOT_YET: Readonly<Record<string, [OAuthErrorCode, string]>> = {
  invalid: ['invalid_grant', 'the device code is invalid'],
  issued: ['invalid_grant', 'the device code was already used'],
  expired: ['expired_token', 'the device code expired; start again'],
  denied: ['access_denied', 'the user denied the request'],
  slow_down: ['slow_down', 'polling too fast; wait 5 seconds longer between requests'],
  pending: ['authorization_pending', 'the user has not yet approved the request'],
};

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4–3.5): the device
 * polls with its device code, authenticated as the client it was issued to. Until the user
 * decides it hears `authorization_pending` (or `slow_down` when it polls faster than the
 * interval, which then grows by 5 s); then `access_denied`, or, exactly once, the tokens of
 * the user's login; after its lifetime, `expired_token`.
 */
export const deviceCode: Grant = async (req, deps) => {
  const { client } = await requireClient(deps.store, req, { allowNone: true });
  const result = await pollDeviceAuthorization(deps.prisma, { deviceCode: requiredParam(req.form, 'device_code'), clientId: client.id });
  if (result.status !== 'approved') {
    const [error, description] = NOT_YET[result.status] ?? ['invalid_grant', 'the device code is invalid'];
    throw new OAuthError(error, description);
  }
  const session = result.record.authSessionId === null ? null : await findAuthSession(deps.prisma, result.record.authSessionId);
  if (session === null) throw new OAuthError('invalid_grant', 'the login of this device request expired');
  return loginTokenResponse(deps, session, client);
};
