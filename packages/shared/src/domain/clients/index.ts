export { authenticateClient } from './authenticate-client.ts';
export { createClient, type CreateClientOptions, type CreatedClient } from './create-client.ts';
export { findClient } from './find-client.ts';
export { OOB_REDIRECT_URI, redirectUriProblem, type ClientRecord, type ClientSummary } from './types.ts';
