export {
  CONNECTOR_TYPES,
  parseConnectorConfigs,
  ZConnectorConfig,
  ZLdapConnectorConfig,
  ZLocalConnectorConfig,
  ZOidcConnectorConfig,
  type ConnectorType,
  type TConnectorConfig,
} from './connector-config.ts';
export { connectorConfigsVersion, listConnectorConfigs, setConnectorConfigs } from './connector-store.ts';
export {
  checkConnectorConfig,
  checkConnectorConfigs,
  formatConnectorProblem,
  type CheckedConnectorConfig,
  type ConnectorConfigProblem,
} from './check-connector-config.ts';
export type { ConnectorRecord } from './connector-record.ts';
export { isSecretField, keepStoredSecrets, MASKED_SECRET, maskConnectorSecrets, type KeptSecrets } from './connector-secrets.ts';
export { createConnector, type CreateConnectorOptions } from './create-connector.ts';
export { deleteConnector, type DeleteConnectorOptions } from './delete-connector.ts';
export { getConnector, type GetConnectorOptions } from './get-connector.ts';
export { listConnectors } from './list-connectors.ts';
export { resolveConnectorConfig, type ResolveConnectorConfigOptions } from './resolve-connector-config.ts';
export { replaceConnectors, type ReplaceConnectorsOptions, type ReplacedConnectors } from './replace-connectors.ts';
export { updateConnector, type UpdateConnectorOptions, type UpdatedConnector } from './update-connector.ts';
export { validateConnectorConfigs, type ValidateConnectorConfigsOptions } from './validate-connector-configs.ts';
