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
