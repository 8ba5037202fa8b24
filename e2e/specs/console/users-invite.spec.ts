import { randomBytes } from 'node:crypto';
import { openScreen, signIn } from '../../fixtures/console.ts';
import { BOTH_STORES } from '../../fixtures/fixture-parts.ts';
import { expect, test } from '../../fixtures/accounts-test.ts';

/** The link in an email's text that starts with `prefix`. */
const linkIn = (text: string, prefix: string) => text.split(/\s+/).find((word) => word.startsWith(prefix)) ?? '';

test.describe('the console creates a user and invites them in one step', { tag: BOTH_STORES }, () => {
  test('an admin creates an invited user; the email arrives, the user sets a password and logs in verified', async ({
    page,
    browser,
    dex,
    mail,
  }) => {
    test.setTimeout(60_000);
    const email = `invitee-${randomBytes(4).toString('hex')}@example.com`;
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Users');
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog', { name: 'New user' });
    await expect(form.getByRole('radio', { name: 'Send an invitation email' })).toBeChecked();
    // No password to make up: the invited user chooses their own.
    await expect(form.getByLabel(/^Password/)).toHaveCount(0);
    await form.getByRole('textbox', { name: 'Email (required)' }).fill(email);
    await form.getByLabel('Display name').fill('Ivy Invited');
    await form.getByRole('button', { name: 'Create and invite' }).click();

    await expect(page.getByText(`User created; an invitation email was sent to ${email}`)).toBeVisible();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    const row = page.getByRole('row').filter({ hasText: email });
    await expect(row.getByText('unverified')).toBeVisible();
    await expect(row.getByText('Ivy Invited')).toBeVisible();
    // No password until the invited user chooses one.
    await expect(row.getByRole('cell', { name: /^password\b/ })).toHaveCount(0);

    const message = await mail.waitFor((m) => m.to === email);
    expect(message.subject).toBe('Activate Your Account');
    const invited = await browser.newContext();
    try {
      const user = await invited.newPage();
      await user.goto(linkIn(message.text, `${dex.issuer}/accept-invitation?token=`));
      await expect(user.getByRole('heading', { name: 'Activate your account' })).toBeVisible();
      await user.getByLabel('New password (at least 8 characters)').fill('ivy passphrase');
      await user.getByLabel('Repeat the new password').fill('ivy passphrase');
      await user.getByRole('button', { name: 'Set password' }).click();
      await expect(user.getByText('Your account is active')).toBeVisible();

      await user.goto(dex.rp.loginUrl);
      await user.getByLabel('Email address').fill(email);
      await user.getByLabel('Password', { exact: true }).fill('ivy passphrase');
      await user.getByRole('button', { name: 'Log in' }).click();
      await user.waitForURL((url) => url.origin === dex.rp.origin && url.pathname === '/callback');
      const claims = JSON.parse((await user.locator('#claims').textContent()) ?? '') as Record<string, unknown>;
      expect(claims).toMatchObject({ email, email_verified: true });
    } finally {
      await invited.close();
    }

    // The console shows the user verified, with a password (a search loads the list afresh).
    await page.getByLabel('Search users').fill(email);
    const after = page.getByRole('row').filter({ hasText: email });
    await expect(after.getByText('verified', { exact: true })).toBeVisible();
    await expect(after.getByRole('cell', { name: /^password\b/ })).toBeVisible();
  });
});
