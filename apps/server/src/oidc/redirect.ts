import type { Response } from 'express';

/**
 * Redirects (302) to a client's redirect URI with parameters added to its query, keeping
 * any query the registered URI already has. Undefined values are left out.
 */
export function redirectWithParams(res: Response, redirectUri: string, params: Record<string, string | undefined>): void {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  res.redirect(302, url.toString());
}
