import { AppError } from '@dex/shared/errors';

const EXAMPLE = 'such as https://dex-admin.example.com or http://127.0.0.1:5557';

/**
 * Checks an overlord admin API URL typed into a profile and returns it normalized (origin plus
 * path, no trailing slash). Only http(s), no credentials (the secret is stored apart, encrypted),
 * no query or fragment.
 * @example validateBaseUrl('https://admin.example.com/dex/') // 'https://admin.example.com/dex'
 */
export function validateBaseUrl(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw badUrl(`the admin API URL is required (${EXAMPLE})`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw badUrl(`the admin API URL must be an absolute http(s) URL (${EXAMPLE})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badUrl(`the admin API URL must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw badUrl('the admin API URL must not contain a user name or password; the secret is saved separately, encrypted');
  }
  if (url.search !== '' || url.hash !== '') throw badUrl('the admin API URL must not have a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function badUrl(message: string): AppError {
  return new AppError('BAD_REQUEST', { message });
}
