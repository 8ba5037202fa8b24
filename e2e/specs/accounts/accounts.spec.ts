import { randomBytes } from 'node:crypto';
import { walkLogin } from '@dex/shared/testing';
import type { Page } from '@playwright/test';
import { expect, test } from '../../fixtures/accounts-test.ts';
import type { DexStack } from '../../fixtures/dex-stack.ts';
import { BOTH_STORES } from '../../fixtures/fixture-parts.ts';

const newEmail = (name: string) => `${name}-${randomBytes(4).toString('hex')}@example.com`;

/** The link in an email's text that starts with `prefix`. */
const linkIn = (text: string, prefix: string) => text.split(/\s+/).find((word) => word.startsWith(prefix)) ?? '';

/** The ID token claims the relying party's callback page shows. */
async function shownClaims(page: Page, dex: DexStack): Promise<Record<string, unknown>> {
  await page.waitForURL((url) => url.origin === dex.rp.origin && url.pathname === '/callback');
  return JSON.parse((await page.locator('#claims').textContent()) ?? '') as Record<string, unknown>;
}

async function logIn(page: Page, dex: DexStack, email: string, password: string) {
  await page.goto(dex.rp.loginUrl);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** A refresh token for the user, through the login pages and the token endpoint (the client's own credentials). */
async function refreshTokenFor(dex: DexStack, email: string, password: string): Promise<string> {
  const auth = new URL(`${dex.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: dex.client.id,
    redirect_uri: dex.rp.redirectUri,
    response_type: 'code',
    scope: 'openid email offline_access',
    state: 'e2e',
  }).toString();
  const walk = await walkLogin(auth.href, { login: email, password });
  const code = new URL(walk.location ?? '').searchParams.get('code') ?? '';
  const tokens = await tokenRequest(dex, { grant_type: 'authorization_code', code, redirect_uri: dex.rp.redirectUri });
  expect(tokens.status).toBe(200);
  return ((await tokens.json()) as { refresh_token: string }).refresh_token;
}

function tokenRequest(dex: DexStack, params: Record<string, string>) {
  return fetch(`${dex.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(dex.client.id)}:${encodeURIComponent(dex.client.secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(params),
  });
}

function admin(dex: DexStack, path: string, body?: unknown) {
  return fetch(`${dex.adminUrl}${path}`, {
    method: 'POST',
    headers: { authorization: dex.adminApiSecret, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

test.describe('accounts and email', { tag: BOTH_STORES }, () => {
  test('register, verify the email by its link, and the next ID token says email_verified: true', async ({ page, dex, mail }) => {
    const email = newEmail('register');
    await page.goto(dex.rp.loginUrl);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect(page.getByRole('heading', { name: /Create your .* account/ })).toBeVisible();
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password (at least 8 characters)').fill('my first passphrase');
    await page.getByLabel('Repeat the password').fill('my first passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();

    // Continue: the login form of the same request, the email filled in.
    await page.getByRole('link', { name: 'Continue to log in' }).click();
    await expect(page.getByLabel('Email address')).toHaveValue(email);
    await page.getByLabel('Password', { exact: true }).fill('my first passphrase');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await shownClaims(page, dex)).toMatchObject({ email, email_verified: false });

    const message = await mail.waitFor((m) => m.to === email);
    expect(message.subject).toBe('Please verify your email address.');
    await page.goto(linkIn(message.text, `${dex.issuer}/verify-email?token=`));
    await expect(page.getByRole('heading', { name: 'Email verified' })).toBeVisible();

    // The browser is still logged in at dex: the next login is at once, with the new claim.
    await page.goto(dex.rp.loginUrl);
    expect(await shownClaims(page, dex)).toMatchObject({ email, email_verified: true });
  });

  test('forgot password: the emailed link resets it; the old password fails, the new one works, the old refresh token is dead', async ({
    page,
    dex,
    mail,
  }) => {
    const email = newEmail('forgot');
    const created = await admin(dex, '/api/v1/users', { email, password: 'the old passphrase', emailVerified: true });
    expect(created.status).toBe(201);
    const oldRefreshToken = await refreshTokenFor(dex, email, 'the old passphrase');

    await page.goto(dex.rp.loginUrl);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();

    const message = await mail.waitFor((m) => m.to === email);
    expect(message.subject).toBe('Reset Your Password');
    const link = linkIn(message.text, `${dex.issuer}/reset-password?token=`);
    await page.goto(link);
    await page.getByLabel('New password (at least 8 characters)').fill('the new passphrase');
    await page.getByLabel('Repeat the new password').fill('the new passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByText('Your password has been reset')).toBeVisible();

    await logIn(page, dex, email, 'the old passphrase');
    await expect(page.getByRole('alert')).toHaveText('Invalid email address or password.');
    await logIn(page, dex, email, 'the new passphrase');
    expect(await shownClaims(page, dex)).toMatchObject({ email });

    const refreshed = await tokenRequest(dex, { grant_type: 'refresh_token', refresh_token: oldRefreshToken });
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');

    // The link worked once.
    const again = await page.goto(link);
    expect(again?.status()).toBe(200);
    await page.getByLabel('New password (at least 8 characters)').fill('a third passphrase');
    await page.getByLabel('Repeat the new password').fill('a third passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByRole('heading', { name: 'Link Expired' })).toBeVisible();
  });

  test('an invitation from the admin API: set a password, then log in verified', async ({ page, dex, mail }) => {
    const email = newEmail('invited');
    const created = await admin(dex, '/api/v1/users', { email });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const sent = await admin(dex, `/api/v1/users/${id}/send-invitation`);
    expect(await sent.json()).toEqual({ emailSent: true });

    const message = await mail.waitFor((m) => m.to === email);
    expect(message.subject).toBe('Activate Your Account');
    await page.goto(linkIn(message.text, `${dex.issuer}/accept-invitation?token=`));
    await expect(page.getByRole('heading', { name: 'Activate your account' })).toBeVisible();
    await page.getByLabel('New password (at least 8 characters)').fill('invited passphrase');
    await page.getByLabel('Repeat the new password').fill('invited passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByText('Your account is active')).toBeVisible();

    await logIn(page, dex, email, 'invited passphrase');
    expect(await shownClaims(page, dex)).toMatchObject({ email, email_verified: true });
  });
});
