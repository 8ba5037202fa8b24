import { consoleUrl, heapText, openScreen, signIn } from '../../fixtures/console.ts';
import { expect, test } from '../../fixtures/test.ts';

test('the break-glass sign-in exchanges the admin secret for the overlord’s session: no secret left in the page', async ({
  page,
  dex,
}, testInfo) => {
  // A heap snapshot of the console takes tens of seconds on a busy 2-core machine.
  test.slow();
  await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
  await expect(page.getByTestId('signed-in-as')).toHaveText('Signed in as break-glass (admin secret)');

  // Nothing a script could read holds the secret or the session.
  expect(await page.evaluate('JSON.stringify(Object.entries(sessionStorage))')).toBe('[]');
  expect(await page.evaluate('JSON.stringify(Object.entries(localStorage))')).toBe('[]');
  expect(await page.evaluate('document.cookie')).toBe('');
  const cookies = await page.context().cookies(dex.adminUrl);
  expect(cookies.map((cookie) => [cookie.name, cookie.httpOnly, cookie.sameSite])).toEqual([['dex_console_session', true, 'Strict']]);
  expect(cookies[0]?.value).not.toContain(dex.adminApiSecret);
  await openScreen(page, 'Clients');
  expect(await heapText(page)).not.toContain(dex.adminApiSecret);

  // The audit log names the session: the sign-in and a change made in it.
  await openScreen(page, 'Audit log');
  await page.getByLabel('Action').selectOption('console.sign-in');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByRole('table').getByRole('row').nth(1)).toContainText('break-glass');
  await testInfo.attach('audit-break-glass.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });

  // A reload keeps the session; signing out ends it on the overlord, and a reload stays signed out.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Admin API secret')).toBeVisible();
  await page.goto(consoleUrl(dex.adminUrl));
  await expect(page.getByLabel('Admin API secret')).toBeVisible();
});
