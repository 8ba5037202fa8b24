import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

/** `client_id` is required and must name a registered client (else an error page). */
export const checkClient: AuthorizeCheck = async (request, deps) => {
  const clientId = request.params.client_id;
  if (clientId === undefined || clientId === '') {
    throw new AuthorizeError('invalid_request', 'missing required parameter: client_id', { redirect: false });
  }
  const client = await deps.findClient(clientId);
  if (client === null) throw new AuthorizeError('invalid_request', 'unknown client', { redirect: false });
  request.client = client;
};
