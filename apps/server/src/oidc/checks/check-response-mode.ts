import { RESPONSE_MODES, type ResponseMode } from '../redirect.ts';
import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

/**
 * `response_mode`: `query` (the default for the code flow), `fragment` or `form_post`. Runs
 * right after the redirect URI is trusted, so that every later error is answered the way the
 * client asked; an unknown mode is `invalid_request`, answered in the query.
 */
export const checkResponseMode: AuthorizeCheck = (request) => {
  const mode = request.params.response_mode;
  if (mode === undefined || mode === '') {
    request.responseMode = 'query';
    return;
  }
  if (!RESPONSE_MODES.includes(mode as ResponseMode)) {
    throw new AuthorizeError('invalid_request', `unsupported response_mode: ${mode}`, { redirect: true });
  }
  request.responseMode = mode as ResponseMode;
};
