import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { authorizeUrl, pkcePair } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** What a browser would do with the form_post page: the form's target, its fields, the CSP that lets its script run. */
function readFormPostPage(page: string, csp: string) {
  const action = /<form method="post" action="([^"]*)" id="form-post">/.exec(page)?.[1]?.replaceAll('&amp;', '&');
  const fields = new URLSearchParams();
  for (const [, name = '', value = ''] of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(
      name,
      value.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'),
    );
  }
  const scripts = [...page.matchAll(/<script>([^<]*)<\/script>/g)].map((match) => match[1] ?? '');
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
  const allowed = scripts.every((script) => scriptSrc.includes(`'sha256-${createHash('sha256').update(script).digest('base64')}'`));
  return { action, fields, scripts, scriptSrc, allowed };
}

describe.each(testProviders(process.env))('response modes: query, fragment, form_post (%s)', (provider) => {
  let stack: WorkerStack;
  let client: { id: string; secret: string; redirectUri: string };

  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const authUrl = (params: Record<string, string>) => authorizeUrl(stack, client, { state: 'st-form', ...params });

  it('advertises query, fragment and form_post', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.response_modes_supported).toEqual(['query', 'fragment', 'form_post']);
  });

  it('form_post: an auto-submitting page whose one script the strict CSP allows by hash; openid-client takes the POST', async () => {
    const user = await stack.addUser();
    const config = await oidc.discovery(new URL(stack.issuer), client.id, client.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirectUri,
      scope: 'openid email',
      response_mode: 'form_post',
      state: 'form-state',
      nonce: 'form-nonce',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new TestBrowser(stack.issuer);
    const form = await browser.follow(url);
    const { response, location } = await browser.submitLogin(
      { url: form.url, html: await form.response.text() },
      { login: user.email, password: user.password },
    );
    expect(response.status).toBe(200);
    expect(location).toBeNull();
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("default-src 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    const page = readFormPostPage(body, csp);
    expect(page.action).toBe(client.redirectUri);
    expect(page.scripts).toHaveLength(1);
    expect(page.allowed, 'the CSP allows the page’s script by its hash').toBe(true);
    expect(body).toMatch(/<button type="submit">Continue<\/button>/);
    expect([...page.fields.keys()].sort()).toEqual(['code', 'iss', 'state']);
    expect(page.fields.get('state')).toBe('form-state');
    expect(page.fields.get('iss')).toBe(stack.issuer);

    // What the browser POSTs to the relying party, which openid-client validates and exchanges.
    const callback = new Request(client.redirectUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: page.fields,
    });
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: 'form-state',
      expectedNonce: 'form-nonce',
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ sub: user.id, email: user.email, nonce: 'form-nonce' });
  });

  it('form_post: errors after the redirect URI is trusted come back as a posted form too', async () => {
    const response = await fetch(authUrl({ response_mode: 'form_post', prompt: 'none' }), { redirect: 'manual' });
    expect(response.status).toBe(200);
    const page = readFormPostPage(await response.text(), response.headers.get('content-security-policy') ?? '');
    expect(page.action).toBe(client.redirectUri);
    expect(Object.fromEntries(page.fields)).toEqual({
      error: 'login_required',
      error_description: 'the user is not logged in',
      state: 'st-form',
      iss: stack.issuer,
    });
    expect(page.allowed).toBe(true);
    const refused = await fetch(authUrl({ response_mode: 'form_post', request_uri: 'https://rp.example/r' }), { redirect: 'manual' });
    const refusedPage = readFormPostPage(await refused.text(), refused.headers.get('content-security-policy') ?? '');
    expect(refusedPage.fields.get('error')).toBe('request_uri_not_supported');
  });

  it('form_post is never used to reach an unregistered redirect URI', async () => {
    const response = await fetch(authUrl({ response_mode: 'form_post', redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('evil.example');
  });

  it('fragment: the code in the redirect URI’s fragment', async () => {
    const user = await stack.addUser();
    const { challenge } = pkcePair();
    const walk = await walkLogin(authUrl({ response_mode: 'fragment', code_challenge: challenge, code_challenge_method: 'S256' }).href, {
      login: user.email,
      password: user.password,
    });
    expect(walk.status).toBe(302);
    const location = new URL(walk.location ?? '');
    expect(location.search).toBe('');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fragment.get('state')).toBe('st-form');
  });

  it('refuses an unknown response_mode with invalid_request, in the query', async () => {
    const response = await fetch(authUrl({ response_mode: 'web_message' }), { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe('unsupported response_mode: web_message');
    expect(location.searchParams.get('state')).toBe('st-form');
  });
});
