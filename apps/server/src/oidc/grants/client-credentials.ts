import { OAuthError } from '@dex/shared/errors';
import { param } from '#http/params.ts';
import { requireClient } from '../client-auth.ts';
import { resourceParam } from '../checks/check-resource.ts';
import { signClientIdToken } from '../id-tokens.ts';
import { activeKey } from '../token-response.ts';
import type { Grant } from './grant.ts';

/** `grant_type=client_credentials` (RFC 6749 §4.4): confidential clients only; dex v0's ID token too. */
export const clientCredentials: Grant = async (req, deps) => {
  const { client } = await requireClient(deps.store, req, { allowNone: false });
  if (client.public) throw new OAuthError('unauthorized_client', 'public clients cannot use client_credentials');
  const scopes = param(req.form, 'scope')
    ?.split(' ')
    .filter((s) => s !== '') ?? ['openid'];
  const unknown = scopes.find((scope) => scope !== 'openid');
  if (unknown !== undefined) throw new OAuthError('invalid_scope', `unsupported scope for client_credentials: ${unknown}`);
  const now = Date.now();
  const key = await activeKey(deps.keys);
  const resource = resourceParam(req);
  const accessToken = await deps.accessTokens.issue({
    format: client.accessTokenFormat,
    key,
    ...(resource === undefined ? {} : { audience: resource }),
    subject: client.id,
    clientId: client.id,
    scopes,
    ttlMs: deps.idTokenTtlMs,
    now,
  });
  const idToken = await signClientIdToken({ issuer: deps.issuer, key, clientId: client.id, ttlMs: deps.idTokenTtlMs, now });
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(deps.idTokenTtlMs / 1000),
    id_token: idToken,
    scope: scopes.join(' '),
  };
};
