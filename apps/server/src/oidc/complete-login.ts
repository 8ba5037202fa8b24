import type { Response } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import { type ConnectorIdentity, findAuthSession, identifyAuthSession } from '@dex/shared/domain/auth';
import { findUserByRemoteIdentity } from '@dex/shared/domain/users';
import { redirectWithParams } from './redirect.ts';

export interface CompleteLoginDeps {
  prisma: PrismaDb;
  issuer: string;
  renderError(res: Response, status: number, title: string, message: string): void;
}

/**
 * The end of every connector's login (reference §2.4 `Server.Login`): maps the upstream
 * identity to a dex user, records it on the authorization session, issues the single-use
 * code and sends the browser back to the client with `code`, `state` and `iss`.
 */
export function createCompleteLogin(deps: CompleteLoginDeps) {
  return async (options: { sessionId: string; connectorId: string; identity: ConnectorIdentity; res: Response }): Promise<void> => {
    const { res } = options;
    const session = await findAuthSession(deps.prisma, options.sessionId);
    if (session === null || session.state !== 'NEW') {
      deps.renderError(res, 400, 'Login expired', 'This login request is no longer valid. Go back to the application and start again.');
      return;
    }
    const user = await findUserByRemoteIdentity(deps.prisma, { connectorId: options.connectorId, remoteId: options.identity.id });
    if (user === null) {
      deps.renderError(res, 403, 'No account', 'There is no account for this identity. Ask an administrator to create one.');
      return;
    }
    if (user.disabled) {
      redirectWithParams(res, session.redirectUri, {
        error: 'access_denied',
        error_description: 'the account is disabled',
        state: session.clientState ?? undefined,
        iss: deps.issuer,
      });
      return;
    }
    const code = await identifyAuthSession(deps.prisma, {
      sessionId: session.id,
      connectorId: options.connectorId,
      identity: options.identity,
      userId: user.id,
    });
    if (code === null) {
      deps.renderError(res, 400, 'Login expired', 'This login request is no longer valid. Go back to the application and start again.');
      return;
    }
    redirectWithParams(res, session.redirectUri, { code, state: session.clientState ?? undefined, iss: deps.issuer });
  };
}
