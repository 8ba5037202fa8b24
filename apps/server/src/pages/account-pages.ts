import { html, layout, type SafeHtml } from './html.ts';

/** A page with a heading, a message and, optionally, one link onward (verification done, "check your email", ...). */
export function renderMessagePage(options: {
  issuerName: string;
  title: string;
  message: string;
  link?: { href: string; text: string; id: string };
}): string {
  return layout({
    title: options.title,
    issuerName: options.issuerName,
    body: html`<h1>${options.title}</h1><p id="account-message" role="status">${options.message}</p>${
      options.link === undefined ? '' : html`<a class="button" id="${options.link.id}" href="${options.link.href}">${options.link.text}</a>`
    }`,
  });
}

const errorLine = (error: string | undefined): SafeHtml | string =>
  error === undefined ? '' : html`<p class="error" role="alert" id="form-error">${error}</p>`;

/** The registration form of the local connector (dex v0 `register.html`): email, password twice. */
export function renderRegisterPage(options: {
  issuerName: string;
  postUrl: string;
  sessionId: string;
  csrfToken: string;
  loginUrl: string;
  email?: string;
  error?: string;
}): string {
  return layout({
    title: 'Create your account',
    issuerName: options.issuerName,
    body: html`<h1>Create your ${options.issuerName} account</h1>
${errorLine(options.error)}
<form method="post" action="${options.postUrl}">
<input type="hidden" name="session" value="${options.sessionId}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required autofocus value="${options.email ?? ''}">
<label for="password">Password (at least 8 characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
<label for="password_confirm">Repeat the password</label>
<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">Create account</button>
</form>
<p class="muted">Already have an account? <a id="login-link" href="${options.loginUrl}">Log in</a></p>`,
  });
}

/** The "forgot your password" form (dex v0 `send-reset-password.html`). */
export function renderSendResetPage(options: {
  issuerName: string;
  postUrl: string;
  csrfToken: string;
  session?: string;
  email?: string;
  error?: string;
}): string {
  return layout({
    title: 'Reset your password',
    issuerName: options.issuerName,
    body: html`<h1>Reset your password</h1>
${errorLine(options.error)}
<p class="muted">Enter your email address: if it has an account, we send it a link to choose a new password.</p>
<form method="post" action="${options.postUrl}">
${options.session === undefined ? '' : html`<input type="hidden" name="session" value="${options.session}">`}
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required autofocus value="${options.email ?? ''}">
<button type="submit">Send the link</button>
</form>`,
  });
}

/** The new-password form of a reset or invitation link (dex v0 `reset-password.html`). */
export function renderResetPasswordPage(options: {
  issuerName: string;
  title: string;
  postUrl: string;
  token: string;
  csrfToken: string;
  email: string;
  error?: string;
}): string {
  return layout({
    title: options.title,
    issuerName: options.issuerName,
    body: html`<h1>${options.title}</h1>
${errorLine(options.error)}
<p class="muted">for ${options.email}</p>
<form method="post" action="${options.postUrl}">
<input type="hidden" name="token" value="${options.token}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<input type="text" name="username" autocomplete="username" value="${options.email}" hidden>
<label for="password">New password (at least 8 characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required autofocus>
<label for="password_confirm">Repeat the new password</label>
<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">Set password</button>
</form>`,
  });
}
