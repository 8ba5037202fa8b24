import type { ServerResponse } from 'node:http';
import { redirect, sendHtml } from '#http/respond.ts';
import { FORM_POST_CSP, renderFormPostPage } from '#pages/form-post-page.ts';

/** How an authorization response reaches the client (OAuth 2.0 Multiple Response Types §2.1, Form Post Response Mode). */
export type ResponseMode = 'query' | 'fragment' | 'form_post';

export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post'];

/**
 * Redirects (302) to a client's redirect URI with parameters added to its query, keeping
 * any query the registered URI already has. Undefined values are left out.
 */
export function redirectWithParams(res: ServerResponse, redirectUri: string, params: Record<string, string | undefined>): void {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  redirect(res, url.toString());
}

/**
 * Sends an authorization response (a code or an error) to the client's redirect URI the way
 * the request asked: in the query (the default), in the fragment, or as a form the browser
 * POSTs (`form_post`, an auto-submitting page under the page CSP plus its one script's hash).
 * Undefined values are left out.
 * @example respondToClient(res, { redirectUri, mode: 'form_post', issuerName, params: { code, state, iss } });
 */
export function respondToClient(
  res: ServerResponse,
  options: { redirectUri: string; mode: ResponseMode; issuerName: string; params: Record<string, string | undefined> },
): void {
  const defined = Object.entries(options.params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (options.mode === 'query') {
    redirectWithParams(res, options.redirectUri, options.params);
  } else if (options.mode === 'fragment') {
    const url = new URL(options.redirectUri);
    url.hash = new URLSearchParams(defined).toString();
    redirect(res, url.toString());
  } else {
    const page = renderFormPostPage({ issuerName: options.issuerName, action: options.redirectUri, params: Object.fromEntries(defined) });
    sendHtml(res, 200, page, { noStore: true, csp: FORM_POST_CSP });
  }
}
