import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

/** The scopes dex v0 accepts (reference §7.4), besides cross-client audiences. */
export const SUPPORTED_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access', 'groups']);
export const CROSS_CLIENT_PREFIX = 'audience:server:client_id:';

/**
 * `scope` must contain `openid`. Scopes the worker does not know (`address`, `phone`, an
 * application's own) are ignored, as OIDC Core §3.1.2.1 asks, and left out of the grant. A cross-client scope
 * `audience:server:client_id:B` is allowed when B is the requester itself or lists the
 * requester among its trusted peers (reference §7.9).
 */
export const checkScope: AuthorizeCheck = async (request, deps) => {
  const client = request.client;
  if (client === undefined) throw new Error('checkScope runs after checkClient');
  const scopes = [...new Set((request.params.scope ?? '').split(' ').filter((s) => s !== ''))];
  if (!scopes.includes('openid')) {
    throw new AuthorizeError('invalid_scope', "the scope must include 'openid'", { redirect: true });
  }
  const audiences: string[] = [];
  const granted: string[] = [];
  for (const scope of scopes) {
    if (SUPPORTED_SCOPES.has(scope)) granted.push(scope);
    if (!scope.startsWith(CROSS_CLIENT_PREFIX)) continue;
    const peerId = scope.slice(CROSS_CLIENT_PREFIX.length);
    const peer = peerId === client.id ? client : await deps.findClient(peerId);
    if (peer === null || (peer.id !== client.id && !peer.trustedPeers.includes(client.id))) {
      throw new AuthorizeError('invalid_scope', `"${client.id}" is not authorized to perform cross-client requests for "${peerId}"`, {
        redirect: true,
      });
    }
    audiences.push(peerId);
    granted.push(scope);
  }
  request.scopes = granted;
  request.audiences = audiences;
};
