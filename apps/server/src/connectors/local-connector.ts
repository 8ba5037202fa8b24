import { LOCAL_CONNECTOR_ID, verifyLocalPassword } from '@dex/shared/domain/users';
import { createPasswordFormConnector, type PasswordFormDeps } from './password-form.ts';
import type { Connector, ConnectorContext } from './types.ts';

/** The one message for every failed password login, so it does not reveal which emails exist. */
const INVALID_LOGIN = 'Invalid email address or password.';

export type LocalConnectorDeps = PasswordFormDeps;

/** "Create an account" and "Forgot your password?" under the local login form, as enabled. */
function accountLinks(context: ConnectorContext, sessionId: string): { registerUrl?: string; resetUrl?: string } {
  const query = `?session=${encodeURIComponent(sessionId)}`;
  return {
    ...(context.accountPages?.registration === true ? { registerUrl: `${context.issuerPath}/register${query}` } : {}),
    ...(context.accountPages?.passwordReset === true ? { resetUrl: `${context.issuerPath}/send-reset-password${query}` } : {}),
  };
}

/**
 * The `local` connector: email and password checked against dex's own users (reference §6.2),
 * on the shared password form (CSRF, lockouts per account and per address).
 */
export function createLocalConnector(
  config: { id: string; name?: string | undefined },
  context: ConnectorContext,
  deps: LocalConnectorDeps,
): Connector {
  return createPasswordFormConnector(
    {
      id: config.id,
      type: 'local',
      displayName: config.name ?? 'Email',
      connectorName: config.name ?? 'Email',
      loginLabel: 'Email address',
      maxLoginLength: 254,
      accountKey: (login) => login.toLowerCase(),
      // Registration and password reset serve the users of the `local` connector.
      ...(config.id === LOCAL_CONNECTOR_ID && context.accountPages !== undefined
        ? { accountLinks: (sessionId: string) => accountLinks(context, sessionId) }
        : {}),
      async check(login, password) {
        const result = await verifyLocalPassword(deps.prisma, { email: login, password });
        if (result.ok) {
          const { user } = result;
          return { ok: true, identity: { id: user.id, email: user.email, name: user.displayName, emailVerified: user.emailVerified } };
        }
        const message =
          result.reason === 'password_expired'
            ? 'Your password has expired. Ask an administrator to reset it.'
            : result.reason === 'disabled'
              ? 'This account is disabled.'
              : INVALID_LOGIN;
        return { ok: false, status: 401, message, reason: result.reason };
      },
    },
    context,
    deps,
  );
}
