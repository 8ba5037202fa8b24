export type { ConnectionStep } from './connection-steps.ts';
export {
  describeLdapError,
  firstValue,
  isDirectoryAnswer,
  isInvalidCredentials,
  LdapDirectory,
  type LdapDirectoryOptions,
} from './ldap-directory.ts';
export { type LdapConnectorConfig, ldapDirectoryOptions, ldapHostOf, ldapTimeoutMs } from './ldap-directory-options.ts';
export { type ConnectorConnectionTest, testConnectorConnection, type TestConnectorConnectionOptions } from './test-connector-connection.ts';
export { testLdapConnection, type TestLdapConnectionOptions } from './test-ldap-connection.ts';
export { testOidcConnection, type TestOidcConnectionOptions } from './test-oidc-connection.ts';
export { describeUpstreamError, UpstreamDiscovery, UpstreamDiscoveryError, type UpstreamDiscoveryOptions } from './upstream-discovery.ts';
