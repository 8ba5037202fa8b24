export { authenticateClient, type ClientCredentialRow, toClientSummary, verifyClientSecret } from './authenticate-client.ts';
export { createClient, type CreateClientOptions, type CreatedClient } from './create-client.ts';
export { findClient } from './find-client.ts';
export {
  ACCESS_TOKEN_FORMATS,
  type AccessTokenFormat,
  OOB_REDIRECT_URI,
  redirectUriProblem,
  type ClientRecord,
  type ClientSummary,
} from './types.ts';
export { checkClientSettings, type ClientSettings } from './check-client-settings.ts';
export { deleteClient, type DeleteClientOptions, type DeletedClient } from './delete-client.ts';
export { listClients, type ClientPage, type ListClientsOptions } from './list-clients.ts';
export { rotateClientSecret, type RotateClientSecretOptions, type RotatedClientSecret } from './rotate-client-secret.ts';
export { updateClient, type ClientChanges, type UpdateClientOptions, type UpdatedClient } from './update-client.ts';
