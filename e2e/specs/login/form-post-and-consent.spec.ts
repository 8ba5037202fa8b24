import { createHash, randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from '../../fixtures/test.ts';

/** Catches what the relying party's redirect URI receives, instead of the relying party. */
async function catchCallback(page: Page, redirectUri: string) {
  const received: { method: string; query: URLSearchParams; form: URLSearchParams }[] = [];
  await page.route(
    (url) => url.href.startsWith(redirectUri),
    async (route) => {
      const request = route.request();
      received.push({
        method: request.method(),
        query: new URL(request.url()).searchParams,
        form: new URLSearchParams(request.postData() ?? ''),
      });
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><title>RP</title><h1>Back at the application</h1>',
      });
    },
  );
  return received;
}

function authUrl(issuer: string, clientId: string, redirectUri: string, extra: Record<string, string>): string {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email',
    state: 'e2e-state',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return url.href;
}

test.describe('response_mode=form_post and the approval screen in a real browser', () => {
  test('form_post: the page’s one script runs under the strict CSP and posts the code to the relying party', async ({ page, dex }) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const received = await catchCallback(page, dex.rp.redirectUri);
    await page.goto(authUrl(dex.issuer, dex.client.id, dex.rp.redirectUri, { response_mode: 'form_post' }));
    await page.getByLabel('Email address').fill(dex.user.email);
    await page.getByLabel('Password').fill(dex.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();

    await expect(page.getByRole('heading', { name: 'Back at the application' })).toBeVisible();
    expect(violations).toEqual([]);
    expect(received).toHaveLength(1);
    const [callback] = received;
    expect(callback?.method).toBe('POST');
    expect(callback?.form.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callback?.form.get('state')).toBe('e2e-state');
    expect(callback?.form.get('iss')).toBe(dex.issuer);
    expect([...(callback?.query.keys() ?? [])]).toEqual([]);
  });

  test('an untrusted client: the user sees who asks and what for, and Deny sends access_denied', async ({ page, dex }) => {
    const created = await fetch(`${dex.adminUrl}/api/v1/clients`, {
      method: 'POST',
      headers: { Authorization: dex.adminApiSecret, 'Content-Type': 'application/json' },
      body: JSON.stringify({ redirectUris: [dex.rp.redirectUri], name: 'Untrusted Gallery' }),
    });
    expect(created.status).toBe(201);
    const { client } = (await created.json()) as { client: { id: string; trusted: boolean } };
    expect(client.trusted).toBe(false);
    // The answer is a redirect to the relying party: read it from the URL the browser lands on.
    const landed = async () => {
      await page.waitForURL((url) => url.href.startsWith(`${dex.rp.redirectUri}?`));
      return new URL(page.url()).searchParams;
    };

    await page.goto(authUrl(dex.issuer, client.id, dex.rp.redirectUri, { scope: 'openid email profile', prompt: 'login' }));
    await page.getByLabel('Email address').fill(dex.user.email);
    await page.getByLabel('Password').fill(dex.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();

    await expect(page.getByRole('heading', { name: /Allow Untrusted Gallery to use your/ })).toBeVisible();
    await expect(page.locator('#consent-host')).toHaveText(new URL(dex.rp.redirectUri).host);
    await expect(page.locator('#consent-scopes li')).toHaveText([
      'Know who you are on this service (your account ID)',
      'See your email address',
      'See your name',
    ]);
    await page.getByRole('button', { name: 'Deny' }).click();
    const denied = await landed();
    expect(denied.get('error')).toBe('access_denied');
    expect(denied.get('state')).toBe('e2e-state');

    // Allow: the code arrives, and the next login for the same scopes asks no more.
    await page.goto(authUrl(dex.issuer, client.id, dex.rp.redirectUri, { scope: 'openid email profile' }));
    await page.getByRole('button', { name: 'Allow' }).click();
    expect((await landed()).get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.goto('about:blank');
    await page.goto(authUrl(dex.issuer, client.id, dex.rp.redirectUri, { scope: 'openid email' }));
    expect((await landed()).get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
