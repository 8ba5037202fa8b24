import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeEqual } from '@dex/shared/crypto';
import { AppError } from '@dex/shared/errors';

/** How long the desktop app waits for the browser to come back (the admin types a password meanwhile). */
export const LOOPBACK_TIMEOUT_MS = 5 * 60_000;

export interface LoopbackListener {
  /** `http://127.0.0.1:<ephemeral port>/callback` (RFC 8252 §7.3), the redirect URI of this sign-in. */
  readonly redirectUri: string;
  /** The authorization code, once the browser came back with this sign-in's state. */
  readonly code: Promise<string>;
  close(): Promise<void>;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * Listens on the loopback interface, on a port the OS picks, for the one redirect of a
 * desktop sign-in (RFC 8252 loopback redirect). Only `GET /callback` with the expected
 * `state` (compared in constant time) resolves `code`; an `error` from dex rejects it; a wrong
 * state is answered 400 and ignored (another page cannot end the sign-in). Closes itself
 * after the answer or after `timeoutMs`.
 * @example const listener = await startLoopbackListener({ state }); open(authUrl(listener.redirectUri)); const code = await listener.code;
 */
export async function startLoopbackListener(options: { state: string; timeoutMs?: number }): Promise<LoopbackListener> {
  let settle: { resolve: (code: string) => void; reject: (error: AppError) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Never an unhandled rejection when nobody awaits `code` (closed early).
  code.catch(() => undefined);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, title: string, text: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE(title, text));
    };
    if (req.method !== 'GET' || url.pathname !== '/callback') return send(404, 'Not found', 'This is the dex console’s sign-in listener.');
    if (!safeEqual(url.searchParams.get('state') ?? '', options.state)) {
      return send(400, 'Sign-in refused', 'This answer does not belong to the sign-in the dex console started.');
    }
    const error = url.searchParams.get('error');
    if (error !== null) {
      send(400, 'Sign-in did not finish', 'Go back to the dex console.');
      settle?.reject(
        new AppError('UNAUTHORIZED', { message: `dex refused the sign-in: ${url.searchParams.get('error_description') ?? error}` }),
      );
    } else {
      send(200, 'Signed in', 'You are signed in to the dex console: you can close this window.');
      settle?.resolve(url.searchParams.get('code') ?? '');
    }
    res.once('finish', () => void close());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const timer = setTimeout(() => {
    settle?.reject(new AppError('UNAUTHORIZED', { message: 'the sign-in in the browser did not finish in time: sign in again' }));
    void close();
  }, options.timeoutMs ?? LOOPBACK_TIMEOUT_MS);
  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    clearTimeout(timer);
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    settle?.reject(new AppError('UNAUTHORIZED', { message: 'the sign-in was cancelled' }));
    return closing;
  }
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}/callback`, code, close };
}
