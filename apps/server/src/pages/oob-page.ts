import { html, layout } from './html.ts';

/** The out-of-band page (dex v0 `oob-template.html`): shows the code for the user to copy. */
export function renderOobPage(options: { issuerName: string; code: string }): string {
  return layout({
    title: 'Login successful',
    issuerName: options.issuerName,
    body: html`<h1>Login successful</h1><p>Copy this code and paste it into your application:</p>
<p><input id="oob-code" aria-label="Code" readonly value="${options.code}"></p>`,
  });
}
