import type { ServerResponse } from 'node:http';
import { sendHtml } from '#http/respond.ts';
import { html, layout } from './html.ts';

/** Answers with an error page: what the user may read, never internals. */
export type RenderError = (res: ServerResponse, status: number, title: string, message: string) => void;

/** An error shown to the user instead of redirecting (never reveals internals). */
export function renderErrorPage(options: { issuerName: string; title: string; message: string }): string {
  return layout({
    title: options.title,
    issuerName: options.issuerName,
    body: html`<h1>${options.title}</h1><p class="error" role="alert">${options.message}</p>`,
  });
}

/**
 * The worker's one HTML error renderer: every error page, whether a handler shows it or the
 * router does for an error it caught, is this page.
 * @example const renderError = errorPageRenderer('dex'); renderError(res, 404, 'Not found', 'There is no such page.');
 */
export function errorPageRenderer(issuerName: string): RenderError {
  return (res, status, title, message) => {
    sendHtml(res, status, renderErrorPage({ issuerName, title, message }), { noStore: true });
  };
}
