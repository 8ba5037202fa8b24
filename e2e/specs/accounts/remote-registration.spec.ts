import { randomBytes } from 'node:crypto';
import type { SmtpSink } from '@dex/shared/testing/smtp-sink';
import { test as base, expect, type Page } from '@playwright/test';
import { attachLogsOnFailure, BOTH_STORES, smtpSinkFixture, withSmtpEmailer } from '../../fixtures/fixture-parts.ts';
import { startUpstreamDexStack, UPSTREAM_CONNECTOR_ID, type UpstreamDexStack } from '../../fixtures/upstream-stack.ts';

interface RemoteRegistrationFixtures {
  pgUrl: string | undefined;
  /** A real SMTP server in the test process: what dex sends arrives here. */
  mail: SmtpSink;
  /** dex in front of a real upstream OpenID Provider, with self-registration and an SMTP emailer. */
  federation: UpstreamDexStack;
}

const test = base.extend<{ serviceLogsOnFailure: undefined }, RemoteRegistrationFixtures>({
  pgUrl: [undefined, { option: true, scope: 'worker' }],
  mail: [smtpSinkFixture, { scope: 'worker' }],
  federation: [
    async ({ pgUrl, mail }, use) => {
      await withSmtpEmailer(mail, async (emailCfgFile) => {
        const stack = await startUpstreamDexStack({ pgUrl, selfRegistration: { emailCfgFile } });
        try {
          await use(stack);
        } finally {
          await stack.stop();
        }
      });
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  serviceLogsOnFailure: [
    async ({ federation }, use, testInfo) => {
      await use(undefined);
      await attachLogsOnFailure(federation.services, testInfo);
    },
    { auto: true },
  ],
});

/** The ID token claims the relying party's callback page shows, once it verified the token. */
async function shownClaims(page: Page, federation: UpstreamDexStack): Promise<Record<string, unknown>> {
  await page.waitForURL((url) => url.origin === federation.rp.origin && url.pathname === '/callback');
  return JSON.parse((await page.locator('#claims').textContent()) ?? '') as Record<string, unknown>;
}

test.describe('registration of an upstream identity (--enable-registration, no automatic registration)', { tag: BOTH_STORES }, () => {
  test('a user the upstream does not vouch for chooses an email, logs in at once, and verifies the address from the email', async ({
    page,
    federation,
    mail,
  }, testInfo) => {
    const email = `ada-${randomBytes(4).toString('hex')}@example.com`;

    await page.goto(federation.rp.loginUrl);
    await page.getByRole('link', { name: `Log in with ${UPSTREAM_CONNECTOR_ID}` }).click();
    await expect(page.getByRole('heading', { name: 'Sign in to Upstream IdP' })).toBeVisible();
    await page.getByLabel('Username').fill(federation.account.username);
    await page.getByLabel('Password').fill(federation.account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    // Back at dex: no account yet, so the registration page of this identity, not "No account".
    await expect(page.getByRole('heading', { name: /^Create your .+ account$/ })).toBeVisible();
    expect(page.url().startsWith(`${federation.issuer}/register/identity?`)).toBe(true);
    await expect(page.locator('#connector-name')).toHaveText(UPSTREAM_CONNECTOR_ID);
    const field = page.getByLabel('Email address');
    await expect(field).toHaveValue(federation.account.email);
    await testInfo.attach('registration', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
    await field.fill(email);
    await page.getByRole('button', { name: 'Create account' }).click();

    // The same authorization request goes on: the relying party gets its code and a verified ID token.
    await expect(page.getByRole('heading', { name: `Signed in as ${email}` })).toBeVisible();
    const claims = await shownClaims(page, federation);
    expect(claims).toMatchObject({ iss: federation.issuer, aud: federation.client.id, email, email_verified: false });

    // The chosen address gets the verification link; following it verifies the account.
    const message = await mail.waitFor((m) => m.to.includes(email));
    const link = message.text.split(/\s+/).find((word) => word.startsWith(`${federation.issuer}/verify-email?token=`)) ?? '';
    expect(link).not.toBe('');
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Email verified' })).toBeVisible();

    // The next login (dex's single sign-on session) says so in the ID token.
    await page.goto(federation.rp.loginUrl);
    const again = await shownClaims(page, federation);
    expect(again).toMatchObject({ sub: claims.sub, email, email_verified: true });
  });
});
