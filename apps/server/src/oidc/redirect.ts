import type { ServerResponse } from 'node:http';
import { redirect } from '#http/respond.ts';

/**
 * Redirects (302) to a client's redirect URI with parameters added to its query, keeping
 * any query the registered URI already has. Undefined values are left out.
 */
export function redirectWithParams(res: ServerResponse, redirectUri: string, params: Record<string, string | undefined>): void {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  redirect(res, url.toString());
}
