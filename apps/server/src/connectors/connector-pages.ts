import { AppError, OAuthError } from '@dex/shared/errors';
import type { Route } from '#http/router.ts';
import type { ConnectorRegistry } from './connector-registry.ts';

/**
 * `<issuer>/auth/<connector id>/<step>`: a connector's own pages (a password form, the
 * upstream redirect and callback). The id is percent-decoded; each connector lists its steps
 * and their methods, matched exactly like every other route (unknown: 404; another method:
 * 405 with `Allow`).
 * @example routes.set('/auth/*', connectorPagesRoute(connectors));
 */
export function connectorPagesRoute(connectors: ConnectorRegistry): Route {
  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req, res) {
      const slash = req.subpath.indexOf('/');
      if (slash < 1) throw new AppError('NOT_FOUND', { message: 'There is no such page.' });
      const step = req.subpath.slice(slash + 1);
      let id: string;
      try {
        id = decodeURIComponent(req.subpath.slice(0, slash));
      } catch {
        throw new OAuthError('invalid_request', 'The address is not valid.');
      }
      const connector = await connectors.find(id);
      if (connector === undefined) throw new AppError('NOT_FOUND', { message: 'This way of logging in does not exist (any more).' });
      const methods = connector.steps[step];
      if (methods === undefined) throw new AppError('NOT_FOUND', { message: 'There is no such page.' });
      if (!methods.includes(req.method) && !(req.method === 'HEAD' && methods.includes('GET'))) {
        res.setHeader('Allow', methods.join(', '));
        throw new OAuthError('invalid_request', `This page does not accept ${req.method} requests.`, { status: 405 });
      }
      await connector.handle(step, req, res);
    },
  };
}
