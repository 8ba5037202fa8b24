import { errorReason } from '@dex/shared/errors';
import type { ConnectorRegistry } from '#connectors/connector-registry.ts';
import type { Connector } from '#connectors/types.ts';

/** Runs one check: `ok`, or why not (`describe` says it without internals). */
export async function probe(name: string, check: () => Promise<void>, describe: (error: unknown) => string): Promise<[string, string]> {
  try {
    await check();
    return [name, 'ok'];
  } catch (error) {
    return [name, describe(error)];
  }
}

/**
 * Asks every configured connector whether its upstream answers, all at once: a slow upstream
 * costs its own timeout, not the sum of everyone's. Each answer is `ok` or the first line of
 * the error.
 * @example const health = await checkConnectors(connectors); // { local: 'ok', corp: 'connect ECONNREFUSED ...' }
 */
export async function checkConnectors(connectors: ConnectorRegistry): Promise<[string, string][]> {
  return checkConnectorList(await connectors.list());
}

/**
 * `checkConnectors` for a list already in hand (the heartbeat remembers which connectors it checked).
 * @example const health = await checkConnectorList(await registry.list());
 */
export function checkConnectorList(list: readonly Connector[]): Promise<[string, string][]> {
  return Promise.all(list.map((connector) => probe(connector.id, () => connector.checkHealth?.() ?? Promise.resolve(), errorReason)));
}
