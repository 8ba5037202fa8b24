import { html, layout } from './html.ts';

export interface PasswordPageOptions {
  issuerName: string;
  connectorName: string;
  postUrl: string;
  sessionId: string;
  csrfToken: string;
  login?: string;
  error?: string;
  /** What the login field asks for ("Email address" for the local connector). */
  loginLabel: string;
  /** "Create an account" (local connector, `--enable-registration`). */
  registerUrl?: string;
  /** "Forgot your password?" (local connector, with an emailer). */
  resetUrl?: string;
}

/** The password form (dex v0 `local-login.html`). */
export function renderPasswordPage(options: PasswordPageOptions): string {
  return layout({
    title: 'Log in',
    issuerName: options.issuerName,
    body: html`<h1>Log in to ${options.issuerName}</h1>
<p class="muted">with ${options.connectorName}</p>
${options.error === undefined ? '' : html`<p class="error" role="alert" id="login-error">${options.error}</p>`}
<form method="post" action="${options.postUrl}">
<input type="hidden" name="session" value="${options.sessionId}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<label for="login">${options.loginLabel}</label>
<input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${options.login ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
${options.resetUrl === undefined ? '' : html`<p class="muted"><a id="forgot-password" href="${options.resetUrl}">Forgot your password?</a></p>`}
${options.registerUrl === undefined ? '' : html`<p class="muted">No account yet? <a id="register" href="${options.registerUrl}">Create an account</a></p>`}`,
  });
}
