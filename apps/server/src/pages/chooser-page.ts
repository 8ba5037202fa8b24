import { html, layout } from './html.ts';

export interface ChooserLink {
  id: string;
  displayName: string;
  url: string;
  /** False when the connector cannot log anyone in now (its upstream is unreachable): shown, but not as a link. */
  available: boolean;
}

/**
 * The connector chooser (dex v0 `login.html`): one button per connector, in a stable order. A
 * connector that is down is listed as unavailable, without a link, so the others stay usable.
 */
export function renderChooserPage(options: { issuerName: string; links: readonly ChooserLink[]; registerUrl?: string }): string {
  return layout({
    title: 'Log in',
    issuerName: options.issuerName,
    body: html`<h1>Log in to ${options.issuerName}</h1><ul class="connectors">${options.links.map((link) =>
      link.available
        ? html`<li><a class="button" id="connector-${link.id}" href="${link.url}">Log in with ${link.displayName}</a></li>`
        : html`<li><span class="button unavailable" id="connector-${link.id}" aria-disabled="true">${link.displayName} is unavailable right now</span></li>`,
    )}</ul>${
      options.registerUrl === undefined
        ? ''
        : html`<p class="muted">No account yet? <a id="register" href="${options.registerUrl}">Create an account</a></p>`
    }`,
  });
}
