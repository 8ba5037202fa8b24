import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/**
 * `prompt` (OIDC Core §3.1.2.1): known values only, and `none` alone. `max_age` is a
 * non-negative integer number of seconds.
 */
export const checkPrompt: AuthorizeCheck = (request) => {
  const prompts = (request.params.prompt ?? '').split(' ').filter((p) => p !== '');
  const unknown = prompts.find((p) => !PROMPTS.has(p));
  if (unknown !== undefined) throw new AuthorizeError('invalid_request', `unsupported prompt value: ${unknown}`, { redirect: true });
  if (prompts.includes('none') && prompts.length > 1) {
    throw new AuthorizeError('invalid_request', 'prompt=none cannot be combined with other values', { redirect: true });
  }
  request.prompts = new Set(prompts);
  const maxAge = request.params.max_age;
  if (maxAge !== undefined && maxAge !== '') {
    if (!/^\d{1,10}$/.test(maxAge))
      throw new AuthorizeError('invalid_request', 'max_age must be a non-negative integer', { redirect: true });
    request.maxAgeSeconds = Number(maxAge);
  }
};
