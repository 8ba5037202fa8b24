import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { testProviders } from '@dex/shared/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { authorizationUrl, codeFlowUrl, redeemCode } from '../support/relying-party.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/**
 * A single-page app's own code, as the relying party serves it (`/oauth4webapi-app.js`, a module
 * on every page of its origin): oauth4webapi's browser build, a public client with PKCE, the
 * verifier in `sessionStorage`. `start` returns the authorization URL; `finish`, on the callback
 * page, validates the response, redeems the code, reads userinfo and refreshes.
 */
const OAUTH4WEBAPI_APP = `
import * as oauth from 'oauth4webapi';
const options = { [oauth.allowInsecureRequests]: true };
const discover = async (issuer) =>
  oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), options));
window.oauth4webapiApp = {
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

/**
 * The same app written with openid-client (`/openid-client-app.js`): discovery, PKCE, state and
 * nonce kept in `sessionStorage`, `authorizationCodeGrant` on the callback page's URL (which
 * checks the state, the `iss` parameter and the ID token), `fetchUserInfo`, `refreshTokenGrant`.
 */
const OPENID_CLIENT_APP = `
import * as client from 'openid-client';
const discover = (issuer, clientId) =>
  client.discovery(new URL(issuer), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
window.openidClientApp = {
  async start(issuer, clientId, redirectUri) {
    const config = await discover(issuer, clientId);
    const checks = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
    sessionStorage.setItem('checks', JSON.stringify(checks));
    return client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(checks.verifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    }).href;
  },
  async finish(issuer, clientId) {
    const config = await discover(issuer, clientId);
    const checks = JSON.parse(sessionStorage.getItem('checks'));
    const tokens = await client.authorizationCodeGrant(config, new URL(location.href), {
      pkceCodeVerifier: checks.verifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const sub = tokens.claims().sub;
    const info = await client.fetchUserInfo(config, tokens.access_token, sub);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    return {
      sub,
      email: info.email,
      refreshedSub: refreshed.claims().sub,
      rotated: refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token,
    };
  },
};
`;

/** The two apps, each a module that puts its API on `window` under this name. */
type AppName = 'oauth4webapiApp' | 'openidClientApp';
/** `start` resolves with the authorization URL, `finish` with what the app learnt (`sub`, `email`, …). */
type SpaApi = Record<'start' | 'finish', (issuer: string, clientId: string, redirectUri: string) => Promise<unknown>>;

/** The ES modules of an npm package, as installed: its directory and its name in URLs (`/npm/<name>/…`). */
interface ServedPackage {
  name: string;
  dir: string;
}

/**
 * What the apps import, served from node_modules with no bundler: openid-client and the
 * modules it imports by bare name (oauth4webapi, jose's subpaths), each resolved as Node
 * resolves it from openid-client (the versions it really runs with), and an import map that
 * sends each bare name to its file under `/npm/`.
 */
async function browserModules(): Promise<{ importMap: string; packages: ServedPackage[] }> {
  const entry = createRequire(import.meta.url).resolve('openid-client');
  const fromOpenidClient = createRequire(entry);
  const bare = [...(await readFile(entry, 'utf8')).matchAll(/\bfrom '([^'./][^']*)'/g)].map((match) => match[1] ?? '');
  const packages = new Map<string, ServedPackage>();
  const imports: Record<string, string> = {};
  for (const [specifier, file] of [['openid-client', entry], ...bare.map((name) => [name, fromOpenidClient.resolve(name)])] as const) {
    const name = specifier.split('/')[0] ?? specifier;
    const marker = `${sep}node_modules${sep}${name}${sep}`;
    const dir = file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
    packages.set(name, { name, dir });
    imports[specifier] = `/npm/${name}/${file
      .slice(dir.length + 1)
      .split(sep)
      .join('/')}`;
  }
  return { importMap: JSON.stringify({ imports }), packages: [...packages.values()] };
}

/** A module file of a served package for a `/npm/<name>/<path>` URL, or null (never outside the package). */
function moduleFile(packages: ServedPackage[], urlPath: string): string | null {
  const path = urlPath.split('?')[0] ?? '';
  const [, name = '', ...rest] = path.split('/').slice(1);
  const served = packages.find((candidate) => candidate.name === name);
  if (served === undefined || !path.endsWith('.js')) return null;
  const file = join(served.dir, ...rest.map(decodeURIComponent));
  return file.startsWith(served.dir + sep) ? file : null;
}

/**
 * A relying party's origin. Every page (`/`, `/callback`) loads the two apps under one import
 * map. A response POSTed to `/callback` (the `form_post` response mode's delivery) is recorded
 * in `posts` and handed, as the `Request` a web framework would give, to `onFormPost`: what it
 * returns is the page's text, what it throws is answered 400 `refused: <message>`.
 */
async function startRelyingParty() {
  const modules = await browserModules();
  const page = [
    '<!doctype html><title>app</title>',
    `<script type="importmap">${modules.importMap}</script>`,
    '<script type="module" src="/oauth4webapi-app.js"></script>',
    '<script type="module" src="/openid-client-app.js"></script>',
    '<p>app</p>',
  ].join('');
  const rp = {
    origin: '',
    posts: [] as URLSearchParams[],
    onFormPost: async (_request: Request): Promise<string> => 'signed in',
    close: async () => {},
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const html = (text: string) => `<!doctype html><title>app</title><p>${text.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</p>`;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/oauth4webapi-app.js' || url === '/openid-client-app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(url === '/oauth4webapi-app.js' ? OAUTH4WEBAPI_APP : OPENID_CLIENT_APP);
      return;
    }
    if (url.startsWith('/npm/')) {
      const file = moduleFile(modules.packages, url);
      (file === null ? Promise.reject(new Error('not served')) : readFile(file, 'utf8')).then(
        (source) => {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          res.end(source);
        },
        () => {
          res.writeHead(404);
          res.end();
        },
      );
      return;
    }
    if (req.method === 'POST' && url === '/callback') {
      readBody(req)
        .then((body) => {
          rp.posts.push(new URLSearchParams(body));
          const headers = new Headers();
          for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
          return rp.onFormPost(new Request(`${rp.origin}${url}`, { method: 'POST', headers, body }));
        })
        .then(
          (text) => {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            res.end(html(text));
          },
          (error: unknown) => {
            res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
            res.end(html(`refused: ${error instanceof Error ? error.message : String(error)}`));
          },
        );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rp.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rp.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return rp;
}

/** The worker's login form, as a person fills it in. */
async function logIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.fill('input[name="login"]', user.email);
  await page.fill('input[name="password"]', user.password);
  await page.click('button[type="submit"]');
}

/** Calls one of the app's functions in the page, once its module has run. */
async function callApp(page: Page, app: AppName, step: 'start' | 'finish', args: [string, string, string]): Promise<unknown> {
  await page.waitForFunction((name) => name in globalThis, app);
  return page.evaluate(
    ([name, fn, issuer, clientId, uri]) => (globalThis as unknown as Record<string, SpaApi>)[name]?.[fn](issuer, clientId, uri),
    [app, step, ...args] as const,
  );
}

/**
 * Interop in a real browser: relying-party libraries from npm as a relying party's code.
 * Chromium carries the `form_post` response to the relying party's server, which validates and
 * redeems it with oauth4webapi or openid-client; and each library runs in a single-page app on
 * the client's own origin, calling the worker across origins (CORS): discovery, the token
 * endpoint, userinfo and refresh.
 */
describe.each(testProviders(process.env))('relying parties in Chromium: form_post and CORS (%s)', (provider) => {
  let stack: WorkerStack;
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let redirectUri: string;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    rp = await startRelyingParty();
    redirectUri = `${rp.origin}/callback`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await stack?.stop();
  });

  /**
   * A person opens the authorization URL, logs in, and the browser delivers the `form_post`
   * response to the relying party: resolves with the user and the page the relying party answered.
   */
  async function formPostLogin(url: URL) {
    const user = await stack.addUser();
    const page = await browser.newPage();
    await page.goto(url.href);
    const posted = page.waitForResponse((response) => response.request().method() === 'POST' && response.url() === redirectUri);
    await logIn(page, user);
    const status = (await posted).status();
    await page.waitForLoadState('load');
    const text = await page.textContent('p');
    await page.close();
    return { user, status, text };
  }

  /**
   * The app on the relying party's origin logs a fresh user in: `start` in the page, the
   * worker's login form, then `finish` on the callback page, where every call is cross-origin.
   */
  async function spaLogin(app: AppName, clientId: string) {
    const user = await stack.addUser();
    const page = await browser.newPage();
    await page.goto(`${rp.origin}/`);
    const authorizationUrl = await callApp(page, app, 'start', [stack.issuer, clientId, redirectUri]);
    await page.goto(String(authorizationUrl));
    await logIn(page, user);
    await page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`));
    const outcome = await callApp(page, app, 'finish', [stack.issuer, clientId, redirectUri]);
    await page.close();
    return { user, outcome };
  }

  /**
   * The same app served from an origin no client registered (localhost, not 127.0.0.1): the
   * library's discovery fails in the page, and Chromium says why (through the DevTools
   * protocol, what its console would print): the worker's answer had no `Access-Control-Allow-Origin`.
   */
  async function spaFromStranger(app: AppName, clientId: string) {
    const page = await browser.newPage();
    const devtools = await page.context().newCDPSession(page);
    const urls = new Map<string, string>();
    const corsErrors: { url: string | undefined; error: string }[] = [];
    devtools.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
    devtools.on('Network.loadingFailed', (event) => {
      if (event.corsErrorStatus !== undefined) corsErrors.push({ url: urls.get(event.requestId), error: event.corsErrorStatus.corsError });
    });
    await devtools.send('Network.enable');
    await page.goto(`${rp.origin.replace('127.0.0.1', 'localhost')}/`);
    const outcome = await callApp(page, app, 'start', [stack.issuer, clientId, redirectUri]).then(
      () => 'answered',
      (error: unknown) => String(error),
    );
    await page.close();
    return { outcome, corsErrors };
  }

  /**
   * One app's CORS test: registered as a public client named `name`, it logs a fresh user in
   * from the relying party's origin (discovery, code exchange, userinfo, refresh), and the same
   * app served from another origin is refused at discovery.
   */
  async function expectSpaOnItsOriginOnly(app: AppName, name: string) {
    const spa = await stack.addClient({ redirectUris: [redirectUri], public: true, name });
    const { user, outcome } = await spaLogin(app, spa.id);
    expect(outcome).toEqual({ sub: user.id, email: user.email, refreshedSub: user.id, rotated: true });
    expect(await spaFromStranger(app, spa.id)).toEqual({
      outcome: expect.stringMatching(/Failed to fetch/),
      corsErrors: [{ url: `${stack.issuer}/.well-known/openid-configuration`, error: 'MissingAllowOriginHeader' }],
    });
  }

  describe('oauth4webapi', () => {
    it('form_post: the browser posts the response to the relying party, which validates and redeems it with oauth4webapi', async () => {
      const registered = await stack.addClient({ redirectUris: [redirectUri], name: 'form_post app' });
      const issuer = new URL(stack.issuer);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
      expect(as.response_modes_supported).toContain('form_post');
      const { url, verifier, state, nonce } = await authorizationUrl(as, registered.id, redirectUri, {
        response_mode: 'form_post',
        scope: 'openid email',
      });
      rp.posts.length = 0;
      rp.onFormPost = async () => 'signed in';
      const { user, ...answer } = await formPostLogin(url);
      expect(answer).toEqual({ status: 200, text: 'signed in' });

      expect(rp.posts).toHaveLength(1);
      const tokens = await redeemCode(as, registered, rp.posts[0] ?? new URLSearchParams(), { redirectUri, verifier, state, nonce });
      expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: user.id, email: user.email });
    });

    it('CORS: a single-page app on its own origin runs discovery, the code exchange, userinfo and refresh; another origin is refused', async () => {
      await expectSpaOnItsOriginOnly('oauth4webapiApp', 'single-page app');
    });
  });

  describe('openid-client', () => {
    /** An authorization URL for `response_mode=form_post` that carries `state`, and the checks the relying party keeps. */
    async function formPostRequest(config: oidc.Configuration, state: string) {
      const nonce = oidc.randomNonce();
      const { url, verifier } = await codeFlowUrl(config, {
        redirect_uri: redirectUri,
        response_mode: 'form_post',
        scope: 'openid email',
        state,
        nonce,
      });
      return { url, checks: { pkceCodeVerifier: verifier, expectedNonce: nonce } };
    }

    it("form_post: the relying party's server redeems the POSTed response with authorizationCodeGrant given the Request", async () => {
      const registered = await stack.addClient({ redirectUris: [redirectUri], name: 'form_post app (openid-client)' });
      const config = await oidc.discovery(new URL(stack.issuer), registered.id, registered.secret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      const state = oidc.randomState();
      const { url, checks } = await formPostRequest(config, state);
      let claims: oidc.IDToken | undefined;
      rp.onFormPost = async (request) => {
        const tokens = await oidc.authorizationCodeGrant(config, request, { ...checks, expectedState: state, idTokenExpected: true });
        claims = tokens.claims();
        return `signed in as ${claims?.sub}`;
      };
      const { user, ...answer } = await formPostLogin(url);
      expect(answer).toEqual({ status: 200, text: `signed in as ${user.id}` });
      expect(claims).toMatchObject({
        iss: stack.issuer,
        sub: user.id,
        aud: registered.id,
        nonce: checks.expectedNonce,
        email: user.email,
        email_verified: true,
      });
    });

    it('form_post: a response whose state this browser did not start is refused by openid-client before the code is spent', async () => {
      const registered = await stack.addClient({ redirectUris: [redirectUri], name: 'form_post app (openid-client)' });
      const config = await oidc.discovery(new URL(stack.issuer), registered.id, registered.secret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      // Login CSRF: the authorization response of a login someone else started (its own state)
      // lands in a browser whose session expects another state.
      const theirs = await formPostRequest(config, oidc.randomState());
      const expectedState = oidc.randomState();
      let refusal: unknown;
      rp.posts.length = 0;
      rp.onFormPost = (request) =>
        oidc.authorizationCodeGrant(config, request, { ...theirs.checks, expectedState }).then(
          () => 'signed in',
          (error: unknown) => {
            refusal = error;
            throw error;
          },
        );
      const { user, ...answer } = await formPostLogin(theirs.url);
      expect(answer).toEqual({ status: 400, text: 'refused: invalid response encountered' });
      expect(refusal).toBeInstanceOf(oidc.ClientError);
      expect(refusal).toMatchObject({
        code: 'OAUTH_INVALID_RESPONSE',
        cause: { message: 'unexpected "state" response parameter value', cause: { expected: expectedState } },
      });

      // The library refused on its own: the code never reached the token endpoint, so the one
      // who started the login (who holds that state) can still redeem it.
      const posted = rp.posts[0] ?? new URLSearchParams();
      const replay = new Request(redirectUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: posted,
      });
      const tokens = await oidc.authorizationCodeGrant(config, replay, { ...theirs.checks, expectedState: posted.get('state') ?? '' });
      expect(tokens.claims()?.sub).toBe(user.id);
    });

    it('CORS: a single-page app on its own origin runs discovery, the code exchange, userinfo and refresh; another origin is refused', async () => {
      await expectSpaOnItsOriginOnly('openidClientApp', 'single-page app (openid-client)');
    });
  });
});
