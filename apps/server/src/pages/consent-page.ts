import { CROSS_CLIENT_PREFIX } from '#oidc/checks/check-scope.ts';
import { html, layout } from './html.ts';

/** What each scope lets the application do, in the user's words. */
const SCOPE_WORDS: Readonly<Record<string, string>> = {
  openid: 'Know who you are on this service (your account ID)',
  profile: 'See your name',
  email: 'See your email address',
  groups: 'See the groups you belong to',
  offline_access: 'Keep access while you are not using it (a refresh token)',
};

/** A scope in words: the known ones from the table, a cross-client audience by the client it names. */
export function describeScope(scope: string): string {
  if (scope.startsWith(CROSS_CLIENT_PREFIX))
    return `Get sign-in tokens meant for the application "${scope.slice(CROSS_CLIENT_PREFIX.length)}"`;
  return SCOPE_WORDS[scope] ?? scope;
}

export interface ConsentPageOptions {
  issuerName: string;
  postUrl: string;
  sessionId: string;
  csrfToken: string;
  /** The client's name (its id when it has none). */
  clientName: string;
  /** The host the answer goes to (the redirect URI's), so the user sees where they are sent. */
  redirectHost: string;
  scopes: readonly string[];
}

/**
 * The approval screen: which application asks, where it will send the user, what it may
 * see; approve or deny, one CSRF-protected form.
 */
export function renderConsentPage(options: ConsentPageOptions): string {
  return layout({
    title: 'Allow access',
    issuerName: options.issuerName,
    body: html`<h1>Allow <span id="consent-client">${options.clientName}</span> to use your ${options.issuerName} account?</h1>
<p class="muted">You will be sent to <strong id="consent-host">${options.redirectHost}</strong>.</p>
<p>It asks to:</p>
<ul id="consent-scopes">${options.scopes.map((scope) => html`<li>${describeScope(scope)}</li>`)}</ul>
<form method="post" action="${options.postUrl}">
<input type="hidden" name="session" value="${options.sessionId}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<button type="submit" name="approval" value="approve">Allow</button>
<button type="submit" name="approval" value="deny">Deny</button>
</form>`,
  });
}
