import { switchAuthSessionConnector } from '@dex/shared/domain/auth';
import type { ConnectorRegistry } from '#connectors/connector-registry.ts';
import { param } from '#http/params.ts';
import { redirect } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import type { RenderError } from '#pages/error-page.ts';

export interface SwitchConnectorDeps {
  connectors: ConnectorRegistry;
  renderError: RenderError;
  prisma: Parameters<typeof switchAuthSessionConnector>[0];
}

const EXPIRED = 'This login request is no longer valid. Go back to the application and start again.';

/**
 * `GET <issuer>/switch-connector?session=&connector_id=[&login_hint=]`: dex v0's
 * `show_connectors` guidance as a link. When an email already has an account at another
 * connector (the wrong-connector page, the registration page of an upstream identity), this
 * sends the same authorization request (its state, nonce, PKCE, scopes) to that connector's
 * login. The session must still be waiting for a login (NEW, or REGISTER: the pending identity
 * is dropped); an unknown connector or a finished session gets a 400 page.
 * @example routes.set('/switch-connector', switchConnectorRoute({ prisma, connectors, renderError }));
 */
export function switchConnectorRoute(deps: SwitchConnectorDeps): Route {
  return {
    methods: ['GET'],
    errors: 'html',
    async handle(req, res) {
      const sessionId = param(req.query, 'session') ?? '';
      const connectorId = param(req.query, 'connector_id') ?? '';
      const connector = connectorId === '' ? undefined : await deps.connectors.find(connectorId);
      if (connector === undefined) return deps.renderError(res, 400, 'Login', 'This way of logging in does not exist (any more).');
      const session =
        sessionId === '' || sessionId.length > 128
          ? null
          : await switchAuthSessionConnector(deps.prisma, { sessionId, connectorId: connector.id });
      if (session === null) return deps.renderError(res, 400, 'Login expired', EXPIRED);
      redirect(res, connector.loginUrl(session, { loginHint: param(req.query, 'login_hint') }));
    },
  };
}
