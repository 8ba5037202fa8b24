import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as oauth from 'oauth4webapi';
import { testProviders } from '@dex/shared/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/**
 * A single-page app's own code, as the relying party serves it (`/app.js`, a module on every
 * page of its origin): oauth4webapi's browser build, a public client with PKCE, the verifier
 * in `sessionStorage`. `start` returns the authorization URL; `finish`, on the callback page,
 * validates the response, redeems the code, reads userinfo and refreshes.
 */
const SPA_CODE = `
import * as oauth from '/oauth4webapi.js';
const options = { [oauth.allowInsecureRequests]: true };
const discover = async (issuer) =>
  oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), options));
window.app = {
  async start(issuer, clientId, redirectUri) {
    const as = await discover(issuer);
    const verifier = oauth.generateRandomCodeVerifier();
    sessionStorage.setItem('verifier', verifier);
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid email offline_access',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    return url.href;
  },
  async finish(issuer, clientId, redirectUri) {
    const as = await discover(issuer);
    const client = { client_id: clientId };
    const params = oauth.validateAuthResponse(as, client, new URL(location.href), oauth.expectNoState);
    const verifier = sessionStorage.getItem('verifier');
    const exchange = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, options);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, exchange);
    const sub = oauth.getValidatedIdTokenClaims(tokens).sub;
    const info = await oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, tokens.access_token, options));
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, options),
    );
    return {
      sub,
      email: info.email,
      refreshedSub: oauth.getValidatedIdTokenClaims(refreshed).sub,
      rotated: refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token,
    };
  },
};
`;
const APP_PAGE = '<!doctype html><title>app</title><script type="module" src="/app.js"></script><p>app</p>';

/** What the app's module puts on `window`. */
interface SpaApi {
  start(issuer: string, clientId: string, redirectUri: string): Promise<string>;
  finish(issuer: string, clientId: string, redirectUri: string): Promise<Record<string, unknown>>;
}

/**
 * A relying party's origin: serves an empty page (at `/` and at `/callback`), oauth4webapi's
 * own browser build at `/oauth4webapi.js`, and records the forms POSTed to `/callback` (the
 * `form_post` response mode's delivery).
 */
async function startRelyingParty(): Promise<{ origin: string; posts: URLSearchParams[]; close(): Promise<void> }> {
  const library = await readFile(createRequire(import.meta.url).resolve('oauth4webapi'), 'utf8');
  const posts: URLSearchParams[] = [];
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer((req, res) => {
    if (req.url === '/oauth4webapi.js' || req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(req.url === '/app.js' ? SPA_CODE : library);
      return;
    }
    if (req.method === 'POST' && req.url === '/callback') {
      readBody(req).then(
        (body) => {
          posts.push(new URLSearchParams(body));
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<!doctype html><title>app</title><p>signed in</p>');
        },
        () => res.end(),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(APP_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    posts,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The worker's login form, as a person fills it in. */
async function logIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.fill('input[name="login"]', user.email);
  await page.fill('input[name="password"]', user.password);
  await page.click('button[type="submit"]');
}

/**
 * Interop in a real browser: oauth4webapi (npm) as a relying party's code. Chromium carries the
 * `form_post` response to the relying party's server, which validates it with oauth4webapi; and
 * oauth4webapi's browser build runs in a single-page app on the client's own origin, calling
 * the worker across origins (CORS): discovery, the token endpoint, userinfo and refresh.
 */
describe.each(testProviders(process.env))('oauth4webapi in Chromium: form_post and CORS (%s)', (provider) => {
  let stack: WorkerStack;
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    rp = await startRelyingParty();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await stack?.stop();
  });

  it('form_post: the browser posts the response to the relying party, which validates and redeems it with oauth4webapi', async () => {
    const redirectUri = `${rp.origin}/callback`;
    const registered = await stack.addClient({ redirectUris: [redirectUri], name: 'form_post app' });
    const user = await stack.addUser();
    const issuer = new URL(stack.issuer);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    expect(as.response_modes_supported).toContain('form_post');
    const client: oauth.Client = { client_id: registered.id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: registered.id,
      redirect_uri: redirectUri,
      response_type: 'code',
      response_mode: 'form_post',
      scope: 'openid email',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }).toString();

    const page = await browser.newPage();
    await page.goto(url.href);
    const posted = page.waitForRequest((request) => request.method() === 'POST' && request.url() === redirectUri);
    await logIn(page, user);
    await posted;
    await page.waitForLoadState('load');
    expect(await page.textContent('p')).toBe('signed in');
    await page.close();

    expect(rp.posts).toHaveLength(1);
    const params = oauth.validateAuthResponse(as, client, rp.posts[0] ?? new URLSearchParams(), state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(registered.secret),
      params,
      redirectUri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: user.id, email: user.email });
  });

  it('CORS: a single-page app on its own origin runs discovery, the code exchange, userinfo and refresh with oauth4webapi', async () => {
    const redirectUri = `${rp.origin}/callback`;
    const spa = await stack.addClient({ redirectUris: [redirectUri], public: true, name: 'single-page app' });
    const user = await stack.addUser();
    const page = await browser.newPage();
    await page.goto(`${rp.origin}/`);
    // The app starts the login: discovery and PKCE in the page, the verifier kept in sessionStorage.
    await page.waitForFunction(() => (globalThis as { app?: unknown }).app !== undefined);
    const args: [string, string, string] = [stack.issuer, spa.id, redirectUri];
    const authorizationUrl = await page.evaluate(
      ([issuer, clientId, uri]) => (globalThis as unknown as { app: SpaApi }).app.start(issuer, clientId, uri),
      args,
    );
    await page.goto(authorizationUrl);
    await logIn(page, user);
    await page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`));
    // Back on the app's origin: every call below is cross-origin, and the browser enforces CORS.
    await page.waitForFunction(() => (globalThis as { app?: unknown }).app !== undefined);
    const outcome = await page.evaluate(
      ([issuer, clientId, uri]) => (globalThis as unknown as { app: SpaApi }).app.finish(issuer, clientId, uri),
      args,
    );
    expect(outcome).toEqual({ sub: user.id, email: user.email, refreshedSub: user.id, rotated: true });

    // The same app served from an origin no client registered (localhost, not 127.0.0.1): the
    // browser withholds the worker's answers, so oauth4webapi cannot even read discovery.
    await page.goto(`${rp.origin.replace('127.0.0.1', 'localhost')}/`);
    await page.waitForFunction(() => (globalThis as { app?: unknown }).app !== undefined);
    const elsewhere = await page.evaluate(
      ([issuer, clientId, uri]) =>
        (globalThis as unknown as { app: SpaApi }).app.start(issuer, clientId, uri).then(
          () => 'answered',
          (error: unknown) => String(error),
        ),
      args,
    );
    expect(elsewhere).toMatch(/Failed to fetch/);
    await page.close();
  });
});
