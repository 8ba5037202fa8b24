import type { PrismaDb } from '@dex/shared/db';
import { createDeviceAuthorization } from '@dex/shared/domain/auth';
import { findClient } from '@dex/shared/domain/clients';
import { param } from '#http/params.ts';
import { sendJson } from '#http/respond.ts';
import { CLIENT_FORM_ENDPOINT, type Route } from '#http/router.ts';
import type { AuthorizeRequest } from '../checks/authorize-request.ts';
import { checkScope } from '../checks/check-scope.ts';
import { type ClientCredentialLookup, requireClient } from '../client-auth.ts';

export interface DeviceAuthorizationDeps {
  prisma: PrismaDb;
  clients: ClientCredentialLookup;
  issuer: string;
  /** How long a request waits for the user (`--device-code-ttl`). */
  codeTtlMs: number;
  /** The polling interval (`--device-poll-interval`). */
  pollIntervalSeconds: number;
}

/** Where the user enters the code (RFC 8628 §3.2 `verification_uri`). */
export function verificationUri(issuer: string): string {
  return `${issuer}/device`;
}

/**
 * `POST <issuer>/device/code`, the device authorization endpoint (RFC 8628 §3.1–3.2): the
 * client authenticates as at the token endpoint (a public client by its `client_id` alone),
 * asks for scopes checked as at `/auth` (`openid` required), and gets a device code to poll
 * with, a user code for the person and where to enter it.
 * @example routes.set('/device/code', deviceAuthorizationRoute({ prisma, clients: store, issuer, codeTtlMs, pollIntervalSeconds }));
 */
export function deviceAuthorizationRoute(deps: DeviceAuthorizationDeps): Route {
  return {
    ...CLIENT_FORM_ENDPOINT,
    async handle(req, res) {
      const { client } = await requireClient(deps.clients, req, { allowNone: true });
      const record = await findClient(deps.prisma, client.id);
      const request: AuthorizeRequest = {
        params: { scope: param(req.form, 'scope') ?? '' },
        ...(record === null ? {} : { client: record }),
      };
      await checkScope(request, { findClient: (id) => findClient(deps.prisma, id) });
      const { deviceCode, userCode } = await createDeviceAuthorization(deps.prisma, {
        clientId: client.id,
        scopes: request.scopes ?? [],
        ttlMs: deps.codeTtlMs,
        intervalSeconds: deps.pollIntervalSeconds,
      });
      const uri = verificationUri(deps.issuer);
      sendJson(res, 200, {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: uri,
        verification_uri_complete: `${uri}?${new URLSearchParams({ user_code: userCode }).toString()}`,
        expires_in: Math.floor(deps.codeTtlMs / 1000),
        interval: deps.pollIntervalSeconds,
      });
    },
  };
}
