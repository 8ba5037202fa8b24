import type { Page } from '@playwright/test';
import { BOTH_STORES } from '../../fixtures/fixture-parts.ts';
import { expect, test, UNREACHABLE_CONNECTOR_ID, UPSTREAM_CONNECTOR_ID, type UpstreamDexStack } from '../../fixtures/upstream-test.ts';

/** From the relying party's login link to the upstream's sign-in form, through dex's chooser. */
async function chooseUpstream(page: Page, federation: UpstreamDexStack): Promise<void> {
  await page.goto(federation.rp.loginUrl);
  await expect(page.getByRole('heading', { name: /^Log in to / })).toBeVisible();
  expect(page.url().startsWith(`${federation.issuer}/auth?`)).toBe(true);
  await page.getByRole('link', { name: `Log in with ${UPSTREAM_CONNECTOR_ID}` }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Upstream IdP' })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(federation.upstream.issuer);
}

async function signInUpstream(page: Page, federation: UpstreamDexStack): Promise<void> {
  await page.getByLabel('Username').fill(federation.account.username);
  await page.getByLabel('Password').fill(federation.account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Allow access?' })).toBeVisible();
}

test.describe('login through the upstream OpenID Connect connector', () => {
  test(
    'a user signs in and consents at the upstream provider, and the relying party gets a verified ID token',
    { tag: BOTH_STORES },
    async ({ page, federation }, testInfo) => {
      const visited: string[] = [];
      page.on('request', (request) => visited.push(request.url()));
      const success = { connector: UPSTREAM_CONNECTOR_ID, outcome: 'success' } as const;
      const successesBefore = await federation.loginCount(success);

      await chooseUpstream(page, federation);
      await signInUpstream(page, federation);
      await expect(page.getByText('The application dex-e2e asks for: openid, email, profile.')).toBeVisible();
      await testInfo.attach('upstream-consent', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
      await page.getByRole('button', { name: 'Allow' }).click();

      await page.waitForURL((url) => url.origin === federation.rp.origin && url.pathname === '/callback');
      await expect(page.getByRole('heading', { name: `Signed in as ${federation.account.email}` })).toBeVisible();
      // The relying party verified the ID token (signature, iss, aud, nonce) before showing its claims.
      const claims = JSON.parse((await page.locator('#claims').textContent()) ?? '') as Record<string, unknown>;
      expect(claims).toMatchObject({
        iss: federation.issuer,
        aud: federation.client.id,
        email: federation.account.email,
        email_verified: true,
      });
      // dex's own user id (automatic registration), not the upstream's subject.
      expect(claims.sub).toEqual(expect.any(String));
      expect(claims.sub).not.toBe(federation.account.username);
      // The upstream answered dex, not the relying party.
      const callback = `${federation.issuer}/auth/${UPSTREAM_CONNECTOR_ID}/callback?`;
      expect(visited.filter((url) => url.startsWith(callback))).toHaveLength(1);
      expect(visited.some((url) => url.startsWith(`${federation.rp.origin}/callback?`) && new URL(url).searchParams.has('code'))).toBe(
        true,
      );
      // The worker counted the login for the connector.
      expect(await federation.loginCount(success)).toBe(successesBefore + 1);
      await testInfo.attach('signed-in', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
    },
  );

  test('prompt=login makes the user sign in at the upstream again, although the sessions at dex and upstream are live', async ({
    page,
    federation,
  }) => {
    // A first login leaves sessions at the upstream and at dex.
    await chooseUpstream(page, federation);
    await signInUpstream(page, federation);
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page.getByRole('heading', { name: `Signed in as ${federation.account.email}` })).toBeVisible();

    const visited: string[] = [];
    page.on('request', (request) => visited.push(request.url()));
    const authorize = (extra: Record<string, string>) => {
      const url = new URL(`${federation.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: federation.client.id,
        redirect_uri: federation.rp.redirectUri,
        response_type: 'code',
        scope: 'openid email profile',
        state: 'e2e-fresh',
        nonce: 'e2e-nonce',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        connector_id: UPSTREAM_CONNECTOR_ID,
        ...extra,
      }).toString();
      return url.href;
    };
    const atRpCallback = (url: URL) => url.origin === federation.rp.origin && url.pathname === '/callback';

    // Without prompt=login, dex's single sign-on answers at once.
    await page.goto(authorize({}));
    await page.waitForURL(atRpCallback);
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    expect(visited.filter((url) => url.startsWith(federation.upstream.issuer))).toEqual([]);

    // With prompt=login, neither dex's session nor the upstream's will do: the password again.
    await page.goto(authorize({ prompt: 'login' }));
    await expect(page.getByRole('heading', { name: 'Sign in to Upstream IdP' })).toBeVisible();
    await page.getByLabel('Username').fill(federation.account.username);
    await page.getByLabel('Password').fill(federation.account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(atRpCallback);
    const params = new URL(page.url()).searchParams;
    expect(params.get('code')).toBeTruthy();
    expect(params.get('state')).toBe('e2e-fresh');
    expect(params.get('iss')).toBe(federation.issuer);
  });

  test('denying consent at the upstream sends the relying party a standard access_denied error', async ({ page, federation }) => {
    const denied = { connector: UPSTREAM_CONNECTOR_ID, outcome: 'failure', reason: 'access_denied' } as const;
    const deniedBefore = await federation.loginCount(denied);
    await chooseUpstream(page, federation);
    await signInUpstream(page, federation);
    await page.getByRole('button', { name: 'Deny' }).click();

    await page.waitForURL((url) => url.origin === federation.rp.origin && url.pathname === '/callback');
    const params = new URL(page.url()).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toBe('the user denied the login at the upstream identity provider');
    expect(params.get('iss')).toBe(federation.issuer);
    expect(params.get('state')).toEqual(expect.any(String));
    expect(params.has('code')).toBe(false);
    // The relying party's own page: the login did not happen.
    await expect(page.getByRole('heading', { name: 'Login failed' })).toBeVisible();
    expect(await federation.loginCount(denied)).toBe(deniedBefore + 1);
  });

  test('an upstream provider that cannot be reached gets a readable error page at dex, and nothing reaches the relying party', async ({
    page,
    federation,
  }) => {
    const visited: string[] = [];
    page.on('request', (request) => visited.push(request.url()));
    const unavailable = { connector: UNREACHABLE_CONNECTOR_ID, outcome: 'failure', reason: 'unavailable' } as const;
    const unavailableBefore = await federation.loginCount(unavailable);
    await page.goto(federation.rp.loginUrl);
    // The chooser already knows: the connector is listed as unavailable, without a link.
    await expect(page.locator(`#connector-${UNREACHABLE_CONNECTOR_ID}`)).toHaveText(`${UNREACHABLE_CONNECTOR_ID} is unavailable right now`);
    await expect(page.getByRole('link', { name: `Log in with ${UNREACHABLE_CONNECTOR_ID}` })).toHaveCount(0);

    // Asked for it anyway (a bookmarked or hand-made authorization URL): a readable error page.
    const chosen = new URL(page.url());
    chosen.searchParams.set('connector_id', UNREACHABLE_CONNECTOR_ID);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${federation.issuer}/auth/${UNREACHABLE_CONNECTOR_ID}/login?`)),
      page.goto(chosen.href),
    ]);

    expect(response.status()).toBe(502);
    await expect(page.getByRole('heading', { name: 'Login unavailable' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText(
      `The identity provider "${UNREACHABLE_CONNECTOR_ID}" cannot be reached right now. Try again later.`,
    );
    expect(new URL(page.url()).origin).toBe(new URL(federation.issuer).origin);
    expect(visited.filter((url) => url.startsWith(`${federation.rp.origin}/callback`))).toEqual([]);
    expect(await federation.loginCount(unavailable)).toBe(unavailableBefore + 1);
  });
});
