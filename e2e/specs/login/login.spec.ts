import { BOTH_STORES } from '../../fixtures/fixture-parts.ts';
import { expect, test } from '../../fixtures/test.ts';

test.describe('login with the local connector', { tag: BOTH_STORES }, () => {
  test('a user signs in to the relying party and it gets verified claims', async ({ page, dex }, testInfo) => {
    await page.goto(dex.rp.loginUrl);

    // The RP sent the browser to the worker, which went straight to the only connector's form.
    await expect(page.getByRole('heading', { name: /Log in/ })).toBeVisible();
    expect(page.url().startsWith(`${dex.issuer}/auth/local/`)).toBe(true);
    await page.getByLabel('Email address').fill(dex.user.email);
    await page.getByLabel('Password').fill(dex.user.password);
    await testInfo.attach('login-form', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
    await page.getByRole('button', { name: 'Log in' }).click();

    await page.waitForURL((url) => url.origin === dex.rp.origin && url.pathname === '/callback');
    await expect(page.getByRole('heading', { name: `Signed in as ${dex.user.email}` })).toBeVisible();
    const claims = JSON.parse((await page.locator('#claims').textContent()) ?? '') as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: dex.issuer, aud: dex.client.id, email: dex.user.email, email_verified: true });
    expect(claims.sub).toEqual(expect.any(String));
    expect(claims.nonce).toEqual(expect.any(String));
    expect(String(claims.nonce).length).toBeGreaterThan(0);
    await testInfo.attach('signed-in', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  });

  test('a wrong password shows an error and keeps the user on the form', async ({ page, dex }) => {
    await page.goto(dex.rp.loginUrl);
    await page.getByLabel('Email address').fill(dex.user.email);
    await page.getByLabel('Password').fill(`${dex.user.password}-wrong`);
    await page.getByRole('button', { name: 'Log in' }).click();

    await expect(page.getByRole('alert')).toHaveText('Invalid email address or password.');
    expect(new URL(page.url()).origin).toBe(new URL(dex.issuer).origin);
    await expect(page.getByLabel('Email address')).toHaveValue(dex.user.email);
    await expect(page.getByLabel('Password')).toHaveValue('');
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  });

  test('an unregistered redirect_uri gets an error page, not a redirect', async ({ page, dex }) => {
    const unregistered = `${dex.rp.origin}/not-registered`;
    const visited: string[] = [];
    page.on('request', (request) => visited.push(request.url()));
    const auth = new URL(`${dex.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: dex.client.id,
      redirect_uri: unregistered,
      response_type: 'code',
      scope: 'openid email',
      state: 'e2e-state',
      nonce: 'e2e-nonce',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();

    const response = await page.goto(auth.href);

    expect(response?.status()).toBe(400);
    await expect(page.getByRole('heading', { name: 'Invalid request' })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('redirect_uri is not registered for this client');
    expect(page.url()).toBe(auth.href);
    expect(visited.filter((url) => url.startsWith(unregistered))).toEqual([]);
  });
});
