import { html, layout, pageCsp, SafeHtml } from './html.ts';

/** The one script of the page: submit the form at once. Allowed by its hash in the page's CSP. */
const SUBMIT_SCRIPT = "document.getElementById('form-post').submit();";

/** The CSP of the form_post page: the page CSP plus this one script. */
export const FORM_POST_CSP = pageCsp({ scripts: [SUBMIT_SCRIPT] });

/**
 * The OAuth 2.0 Form Post Response Mode page: the authorization response's parameters as
 * hidden fields of a form that POSTs to the client's redirect URI. The script submits it at
 * once; without scripts, the user presses the button.
 */
export function renderFormPostPage(options: { issuerName: string; action: string; params: Readonly<Record<string, string>> }): string {
  return layout({
    title: 'Continue',
    issuerName: options.issuerName,
    body: html`<h1>Returning to the application</h1>
<form method="post" action="${options.action}" id="form-post">
${Object.entries(options.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<p class="muted">If nothing happens, continue yourself.</p>
<button type="submit">Continue</button>
</form>
<script>${new SafeHtml(SUBMIT_SCRIPT)}</script>`,
  });
}
