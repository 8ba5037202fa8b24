import type { Database } from '@dex/shared/db';
import { errorReason } from '@dex/shared/errors';
import type { ConnectorRegistry } from '#connectors/connector-registry.ts';
import { sendJson } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import type { KeyCache } from '#oidc/key-cache.ts';
import { checkConnectors, probe } from './check-connectors.ts';

type Probe = Promise<[string, string]>;

/**
 * `GET <issuer>/health`, for load balancers and operators: the database, the signing key and
 * each connector. The worker is healthy (200) while the database answers and a key signs;
 * a connector that cannot reach its upstream only makes it `degraded` (still 200: the other
 * connectors and every token endpoint still work), and is named in `checks`. Nothing in the
 * body comes from configuration (no database URL): failures are described in fixed words, or
 * for connectors by the first line of their error.
 * @example routes.set('/health', healthRoute({ db, keys, connectors }));
 */
export function healthRoute(deps: { db: Database; keys: KeyCache; connectors: ConnectorRegistry }): Route {
  return {
    methods: ['GET'],
    errors: 'json',
    async handle(_req, res) {
      // The database first (the connector list comes from it), then the rest at once: a slow
      // upstream delays the answer by its own timeout, not by the sum of everyone's.
      const database = await probe(
        'database',
        () => deps.db.ping(),
        () => 'unreachable',
      );
      const core: Probe[] = [
        probe(
          'signing_key',
          async () => {
            if ((await deps.keys.get()).active === null) throw new Error('no active signing key');
          },
          (error) => (database[1] === 'ok' ? errorReason(error) : 'unavailable'),
        ),
      ];
      const connectors = database[1] === 'ok' ? checkConnectors(deps.connectors) : Promise.resolve([]);
      const coreResults = [database, ...(await Promise.all(core))];
      const connectorResults = (await connectors).map(([id, value]): [string, string] => [`connector:${id}`, value]);
      const healthy = coreResults.every(([, value]) => value === 'ok');
      const status = !healthy ? 'error' : connectorResults.every(([, value]) => value === 'ok') ? 'ok' : 'degraded';
      sendJson(res, healthy ? 200 : 503, { status, checks: Object.fromEntries([...coreResults, ...connectorResults]) });
    },
  };
}
