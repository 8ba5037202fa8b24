import { html, layout } from './html.ts';

/** Asks the user to confirm a logout that the application did not prove it asked for. */
export function renderLogoutConfirmPage(options: {
  issuerName: string;
  postUrl: string;
  csrfToken: string;
  fields: Readonly<Record<string, string>>;
}): string {
  return layout({
    title: 'Log out',
    issuerName: options.issuerName,
    body: html`<h1>Log out of ${options.issuerName}?</h1>
<form method="post" action="${options.postUrl}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<input type="hidden" name="confirm" value="yes">
${Object.entries(options.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit">Log out</button>
</form>`,
  });
}

export function renderLoggedOutPage(options: { issuerName: string }): string {
  return layout({
    title: 'Logged out',
    issuerName: options.issuerName,
    body: html`<h1>You have been logged out</h1><p>You can close this window.</p>`,
  });
}
