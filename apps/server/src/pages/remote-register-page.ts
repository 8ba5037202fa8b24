import { html, layout } from './html.ts';

/**
 * The registration page of an upstream identity that has no account yet (dex v0
 * `register.html` for a remote identity): the connector the user came through, the email the
 * account gets. When the connector vouched for the email it is shown, not asked for (the
 * server takes it from the session); otherwise the user may change it and must verify it.
 * `guidance` replaces the form's button row with the way to the connector that already owns
 * the email.
 */
export function renderRemoteRegisterPage(options: {
  issuerName: string;
  postUrl: string;
  sessionId: string;
  csrfToken: string;
  connectorName: string;
  email: string;
  /** The connector vouched for the email: it is shown read-only and counts as verified. */
  isEmailTrusted: boolean;
  error?: string;
  guidance?: { connectorName: string; href: string };
}): string {
  const emailField = options.isEmailTrusted
    ? html`<p>Email address</p><p id="trusted-email"><strong>${options.email}</strong></p>`
    : html`<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required autofocus value="${options.email}">
<p class="muted">We send a link to this address to verify it.</p>`;
  return layout({
    title: 'Create your account',
    issuerName: options.issuerName,
    body: html`<h1>Create your ${options.issuerName} account</h1>
${options.error === undefined ? '' : html`<p class="error" role="alert" id="form-error">${options.error}</p>`}
${
  options.guidance === undefined
    ? ''
    : html`<p><a class="button" id="login-with-connector" href="${options.guidance.href}">Log in with ${options.guidance.connectorName}</a></p>`
}
<p>You logged in with <strong id="connector-name">${options.connectorName}</strong>, and there is no ${options.issuerName} account for you yet.</p>
<form method="post" action="${options.postUrl}">
<input type="hidden" name="session" value="${options.sessionId}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
${emailField}
<button type="submit">Create account</button>
</form>`,
  });
}
