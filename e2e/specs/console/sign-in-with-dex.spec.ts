import { randomBytes } from 'node:crypto';
import { createDatabase } from '@dex/shared/db';
import { createUser } from '@dex/shared/domain/users';
import type { Page } from '@playwright/test';
import { consoleUrl, heapText, openScreen } from '../../fixtures/console.ts';
import { expect, test } from '../../fixtures/test.ts';

/** From the console's sign-in screen through the worker's login page, as an admin would. */
async function signInWithDex(page: Page, options: { adminUrl: string; issuer: string; email: string; password: string }): Promise<void> {
  await page.goto(consoleUrl(options.adminUrl));
  await page.getByRole('link', { name: 'Sign in with dex' }).click();
  await expect(page).toHaveURL((url) => url.href.startsWith(`${options.issuer}/`));
  await page.getByLabel('Email address').fill(options.email);
  await page.getByLabel('Password').fill(options.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('an admin user signs in to the console through dex, and the audit log names them', async ({ page, dex }, testInfo) => {
  // A heap snapshot of the console takes tens of seconds on a busy 2-core machine.
  test.slow();
  await signInWithDex(page, { adminUrl: dex.adminUrl, issuer: dex.issuer, email: dex.user.email, password: dex.user.password });
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(dex.adminUrl);
  await expect(page.getByTestId('signed-in-as')).toHaveText(`Signed in as ${dex.user.email}`);

  // The overlord holds the session; the page holds no token, no secret, no password.
  expect(await page.evaluate('JSON.stringify(Object.entries(sessionStorage))')).toBe('[]');
  expect(await page.evaluate('JSON.stringify(Object.entries(localStorage))')).toBe('[]');
  expect(await page.evaluate('document.cookie')).toBe('');
  const cookies = await page.context().cookies(dex.adminUrl);
  expect(cookies.map((cookie) => [cookie.name, cookie.httpOnly, cookie.sameSite])).toEqual([['dex_console_session', true, 'Strict']]);
  const heap = await heapText(page);
  expect(heap).not.toContain(dex.adminApiSecret);
  expect(heap).not.toContain(dex.user.password);

  // The sign-in is the newest entry of the audit log, under the admin's email.
  await openScreen(page, 'Audit log');
  const newest = page.getByRole('table').getByRole('row').nth(1);
  await expect(newest).toContainText('console.sign-in');
  await expect(newest).toContainText(dex.user.email);
  await testInfo.attach('audit-sign-in-with-dex.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });

  // A reload keeps the session; signing out ends it.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in with dex' })).toBeVisible();
});

test('a user who is not an admin is refused with a readable page, and gets no session', async ({ page, dex }, testInfo) => {
  const user = { email: `not-admin-${randomBytes(4).toString('hex')}@example.com`, password: randomBytes(18).toString('base64url') };
  const db = await createDatabase({ url: dex.dbUrl, maxConnections: 1 });
  try {
    await createUser(db.prisma, { ...user, admin: false, localConnectorId: 'local' });
  } finally {
    await db.close();
  }
  await signInWithDex(page, { adminUrl: dex.adminUrl, issuer: dex.issuer, ...user });
  await expect(page.getByRole('heading', { level: 1, name: 'Not an admin' })).toBeVisible();
  await expect(page.getByText(`${user.email} is not an admin of this dex`)).toBeVisible();
  await testInfo.attach('sign-in-not-an-admin.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  expect((await page.context().cookies(dex.adminUrl)).map((cookie) => cookie.name)).toEqual([]);

  // The way back leads to the sign-in screen.
  await page.getByRole('link', { name: 'Back to the console sign-in' }).click();
  await expect(page.getByRole('link', { name: 'Sign in with dex' })).toBeVisible();
});
