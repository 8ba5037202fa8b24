import type { Response } from 'express';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * Answers a sign-in that did not end in a session with a small readable page (the browser
 * came here by navigation, so JSON would be no help): what happened, and the way back to the
 * console's sign-in screen. No script, nothing from the request but the escaped `message`.
 * @example sendSignInPage(res, { status: 403, title: 'Not an admin', message: 'ann@example.com is not an admin of this dex.' });
 */
export function sendSignInPage(res: Response, page: { status: number; title: string; message: string }): void {
  res
    .status(page.status)
    .type('html')
    .set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'Referrer-Policy': 'no-referrer',
    })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>${escapeHtml(page.title)} · dex console</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}</style></head>` +
        `<body><main><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p>` +
        `<p><a href="/console/">Back to the console sign-in</a></p></main></body></html>`,
    );
}
