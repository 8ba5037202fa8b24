import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

/** Only the authorization code flow is offered (`response_type=code`). */
export const checkResponseType: AuthorizeCheck = (request) => {
  const responseType = request.params.response_type;
  if (responseType === undefined || responseType === '') {
    throw new AuthorizeError('invalid_request', 'missing required parameter: response_type', { redirect: true });
  }
  if (responseType !== 'code') {
    throw new AuthorizeError('unsupported_response_type', `unsupported response_type: ${responseType}`, { redirect: true });
  }
};
