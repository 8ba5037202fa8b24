import { html, layout } from './html.ts';

/** An error shown to the user instead of redirecting (never reveals internals). */
export function renderErrorPage(options: { issuerName: string; title: string; message: string }): string {
  return layout({
    title: options.title,
    issuerName: options.issuerName,
    body: html`<h1>${options.title}</h1><p class="error" role="alert">${options.message}</p>`,
  });
}
