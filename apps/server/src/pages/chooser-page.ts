import { html, layout } from './html.ts';

export interface ChooserLink {
  id: string;
  displayName: string;
  url: string;
}

/** The connector chooser (dex v0 `login.html`): one button per connector, in a stable order. */
export function renderChooserPage(options: { issuerName: string; links: readonly ChooserLink[] }): string {
  return layout({
    title: 'Log in',
    issuerName: options.issuerName,
    body: html`<h1>Log in to ${options.issuerName}</h1><ul class="connectors">${options.links.map(
      (link) => html`<li><a class="button" id="connector-${link.id}" href="${link.url}">Log in with ${link.displayName}</a></li>`,
    )}</ul>`,
  });
}
