import { randomBytes } from 'node:crypto';
import type { Browser } from '@playwright/test';
import { openScreen, signIn } from '../../fixtures/console.ts';
import { type DexStack, expect, test } from '../../fixtures/test.ts';

/** Logs in through the relying party in a fresh browser context (no single sign-on cookie): the ID token's claims, or the login page's alert. */
async function logIn(browser: Browser, dex: DexStack, email: string, password: string): Promise<Record<string, unknown> | string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(dex.rp.loginUrl);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const signedIn = page.getByRole('heading', { name: /^Signed in as / });
    const alert = page.getByRole('alert');
    await expect(signedIn.or(alert)).toBeVisible();
    if (await alert.isVisible()) return (await alert.textContent()) ?? '';
    return JSON.parse((await page.locator('#claims').textContent()) ?? '{}') as Record<string, unknown>;
  } finally {
    await context.close();
  }
}

test.describe('the console edits and deletes users', () => {
  // Four logins through the relying party, each in a fresh browser context.
  test.setTimeout(120_000);
  test('an admin changes a user’s email, name and verified flag, the next ID token carries them; deleting the user ends their logins', async ({
    page,
    browser,
    dex,
  }) => {
    const tag = randomBytes(4).toString('hex');
    const email = `ed-${tag}@example.com`;
    const password = `pw-${randomBytes(9).toString('base64url')}`;
    const created = await fetch(`${dex.adminUrl}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: dex.adminApiSecret, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, displayName: 'Ed Before' }),
    });
    expect(created.status).toBe(201);
    expect(await logIn(browser, dex, email, password)).toMatchObject({ email, email_verified: false });

    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Users');
    await page.getByLabel('Search users').fill(tag);
    const row = page.getByRole('row').filter({ hasText: email });
    await expect(row.getByText('unverified')).toBeVisible();
    await page.getByRole('button', { name: `Edit ${email}` }).click();
    const form = page.getByRole('dialog', { name: `Edit ${email}` });
    const newEmail = `edna-${tag}@example.com`;
    await form.getByRole('textbox', { name: 'Email (required)' }).fill(newEmail);
    await form.getByLabel('Display name').fill('Edna After');
    await form.getByLabel('Email verified').check();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    const edited = page.getByRole('row').filter({ hasText: newEmail });
    await expect(edited.getByText('Edna After')).toBeVisible();
    await expect(edited.getByText('verified', { exact: true })).toBeVisible();

    // The user now logs in with the new address only, and the ID token says it is verified.
    expect(await logIn(browser, dex, newEmail, password)).toMatchObject({ email: newEmail, email_verified: true });
    expect(await logIn(browser, dex, email, password)).toBe('Invalid email address or password.');

    await page.getByRole('button', { name: `Delete ${newEmail}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete user' });
    await expect(confirm).toContainText(newEmail);
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    await expect(page.getByRole('row').filter({ hasText: newEmail })).toHaveCount(0);
    expect(await logIn(browser, dex, newEmail, password)).toBe('Invalid email address or password.');

    // Both changes are in the audit log.
    await openScreen(page, 'Audit log');
    await page.getByLabel('Target type').selectOption('user');
    await page.getByLabel('Action').selectOption('user.delete');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByRole('table').getByRole('row').nth(1)).toContainText('user.delete');
  });
});
