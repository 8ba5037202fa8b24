import type { TConnectorConfig } from '#domain/connectors/index.ts';
import type { ConnectionStep } from './connection-steps.ts';
import { testLdapConnection } from './test-ldap-connection.ts';
import { testOidcConnection } from './test-oidc-connection.ts';

export interface ConnectorConnectionTest {
  /** Every step worked. */
  ok: boolean;
  steps: ConnectionStep[];
}

export interface TestConnectorConnectionOptions {
  /** A valid config, with its real secrets (not masked). */
  config: TConnectorConfig;
  /** The bound of each request or LDAP operation (default: the connector's own). */
  timeoutMs?: number;
}

/**
 * "Test connection" for one connector config: the checks the worker's connector depends on
 * (see `testOidcConnection`, `testLdapConnection`). The local connector has nothing to reach;
 * the types the worker does not serve yet fail with that said.
 * @example const { ok, steps } = await testConnectorConnection({ config, timeoutMs: 5_000 });
 */
export async function testConnectorConnection(options: TestConnectorConnectionOptions): Promise<ConnectorConnectionTest> {
  const { config, timeoutMs } = options;
  const bound = timeoutMs === undefined ? {} : { timeoutMs };
  let steps: ConnectionStep[];
  switch (config.type) {
    case 'oidc':
      steps = await testOidcConnection({ issuerURL: config.issuerURL, ...bound });
      break;
    case 'ldap':
      steps = await testLdapConnection({ config, ...bound });
      break;
    case 'local':
      steps = [
        { name: 'Nothing to connect to', ok: true, message: 'the local connector checks passwords in dex’s own database', elapsedMs: 0 },
      ];
      break;
    default:
      steps = [{ name: 'Connector type', ok: false, message: `the worker does not serve ${config.type} connectors yet`, elapsedMs: 0 }];
  }
  return { ok: steps.every((step) => step.ok), steps };
}
