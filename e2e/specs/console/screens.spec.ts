import type { Page } from '@playwright/test';
import { checkScreen, openScreen, signIn } from '../../fixtures/console.ts';
import { type DexStack, expect, test } from '../../fixtures/test.ts';

/** Logs the stack's user in at the worker through the relying party, with `password`; true when it got through. */
async function logInAtWorker(page: Page, dex: DexStack, password: string): Promise<void> {
  await page.goto(dex.rp.loginUrl);
  await page.getByLabel('Email address').fill(dex.user.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The rendered widths of a table's header cells, in pixels. */
function columnWidths(page: Page, tableName: string): Promise<number[]> {
  return page
    .getByRole('table', { name: tableName, exact: true })
    .evaluate((table) =>
      [...table.querySelectorAll(':scope > thead > tr > th')].map((cell) => Math.round(cell.getBoundingClientRect().width)),
    );
}

/** Whether the page itself scrolls sideways (a table scrolling inside its own frame does not count). */
function hasPageHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth').then(Boolean);
}

test.describe('the console’s clients, audit and events screens', () => {
  // Each checkScreen runs axe twice and takes two full-page screenshots.
  test.describe.configure({ timeout: 120_000 });
  test('a client’s detail view shows every setting, copies the id and rotates the secret', async ({ page, dex }, testInfo) => {
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Clients');
    await page.getByRole('link', { name: 'E2E relying party', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Client E2E relying party' })).toBeVisible();
    const settings = page.getByRole('definition');
    await expect(page.getByTestId('client-detail-id')).toHaveText(dex.client.id);
    await expect(settings.filter({ hasText: 'E2E relying party' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Redirect URIs' })).toContainText(dex.rp.redirectUri);
    await expect(settings.filter({ hasText: 'Confidential' })).toBeVisible();
    await expect(settings.filter({ hasText: 'Opaque' })).toBeVisible();
    await page.getByRole('button', { name: 'Copy client ID' }).click();
    await expect(page.getByText('Copied to the clipboard')).toBeVisible();
    expect(String(await page.evaluate('navigator.clipboard.readText()'))).toBe(dex.client.id);
    await checkScreen(page, testInfo, 'client-detail');

    // The secret rotates from here, shown once, the long id wrapped inside the dialog.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog', { name: 'Rotate client secret' }).getByRole('button', { name: 'Rotate secret' }).click();
    const shown = page.getByRole('dialog', { name: 'New secret for “E2E relying party”' });
    await expect(shown.getByTestId('client-secret')).not.toBeEmpty();
    const dialogBox = await shown.boundingBox();
    const idBox = await shown.getByTestId('client-id').boundingBox();
    expect(idBox !== null && dialogBox !== null && idBox.x + idBox.width <= dialogBox.x + dialogBox.width).toBe(true);
    await checkScreen(page, testInfo, 'client-detail-new-secret');
    const secret = (await shown.getByTestId('client-secret').textContent()) ?? '';
    await shown.getByRole('button', { name: 'Done' }).click();
    // The relying party logs in with the new secret.
    await dex.rp.configure({ issuer: dex.issuer, clientId: dex.client.id, clientSecret: secret });
    const login = await page.context().newPage();
    await logInAtWorker(login, dex, dex.user.password);
    await expect(login.getByRole('heading', { name: `Signed in as ${dex.user.email}` })).toBeVisible();
    await login.close();
  });

  test('every invalid redirect URI is reported at once, each next to its line', async ({ page, dex }, testInfo) => {
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Clients');
    await page.getByRole('button', { name: 'New client' }).click();
    const form = page.getByRole('dialog', { name: 'New client' });
    await form.getByLabel('Redirect URIs').fill('https://ok.example/cb\nftp://files.example/cb\n/relative\nhttps://app.example/cb#frag');
    await form.getByRole('button', { name: 'Create client' }).click();
    const problems = form.getByRole('list', { name: 'Invalid redirect URIs' }).getByRole('listitem');
    await expect(problems).toHaveText([
      'Line 2: "ftp://files.example/cb" must use http or https',
      'Line 3: "/relative" is not an absolute URL',
      'Line 4: "https://app.example/cb#frag" must not have a fragment',
    ]);
    await checkScreen(page, testInfo, 'clients-invalid-redirect-uris');
  });

  test('a change shows as a diff, and expanding it moves no column', async ({ page, dex }, testInfo) => {
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Clients');
    await page.getByRole('link', { name: 'E2E relying party', exact: true }).click();
    // The detail view replaces the list (whose rows have their own Edit buttons) once it has loaded.
    await expect(page.getByRole('heading', { level: 1, name: 'Client E2E relying party' })).toBeVisible();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit E2E relying party' });
    await edit.getByLabel('Access token format').selectOption('jwt');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByRole('definition').filter({ hasText: 'JWT (RFC 9068)' })).toBeVisible();

    await openScreen(page, 'Audit log');
    await page.getByLabel('Action').selectOption('client.update');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByText('Showing 1–1')).toBeVisible();
    const before = await columnWidths(page, 'Audit events');
    await page.getByRole('button', { name: `Show change of client ${dex.client.id}` }).click();
    const diff = page.getByRole('table', { name: `Change of client ${dex.client.id}` });
    const changed = diff.locator('tr.diff-changed');
    await expect(changed.getByRole('rowheader')).toContainText(['accessTokenFormat (changed)']);
    await expect(changed.filter({ hasText: 'accessTokenFormat' })).toContainText('opaque');
    await expect(changed.filter({ hasText: 'accessTokenFormat' })).toContainText('jwt');
    expect(await columnWidths(page, 'Audit events')).toEqual(before);
    await checkScreen(page, testInfo, 'audit-diff');
    await page.getByRole('button', { name: `Hide change of client ${dex.client.id}` }).click();
    expect(await columnWidths(page, 'Audit events')).toEqual(before);
  });

  test('the events screen shows a failed and a successful login made through the worker', async ({ page, dex }, testInfo) => {
    const login = await page.context().newPage();
    await logInAtWorker(login, dex, `${dex.user.password}-wrong`);
    await expect(login.getByText('Invalid email address or password.')).toBeVisible();
    await login.getByLabel('Password').fill(dex.user.password);
    await login.getByRole('button', { name: 'Log in' }).click();
    await expect(login.getByRole('heading', { name: `Signed in as ${dex.user.email}` })).toBeVisible();
    await login.close();

    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Login events');
    await page.getByLabel('User (email or ID)').fill(dex.user.email);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.getByRole('table', { name: 'Login events' }).locator('tbody tr');
    await expect(rows.first()).toContainText('Login');
    await expect(rows.first()).toContainText(dex.client.id);
    await expect(rows.filter({ hasText: 'Login failed' }).first()).toContainText('wrong password or unknown account');
    await checkScreen(page, testInfo, 'events');

    await page.getByLabel('Event', { exact: true }).selectOption('failure');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(rows.filter({ hasText: 'Login failed' }).first()).toBeVisible();
    await expect(rows.filter({ hasNotText: 'Login failed' })).toHaveCount(0);
  });

  test('at 800×600 every screen fits the width, the sidebar folds away and the actions stay in reach', async ({ page, dex }, testInfo) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 800, height: 600 });
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    const screens: [string, string, string | null][] = [
      ['Overview', 'Overview', null],
      ['Clients', 'Clients', 'New client'],
      ['Connectors', 'Connectors', 'New connector'],
      ['Signing keys', 'Signing keys', 'Rotate now'],
      ['Users', 'Users', 'New user'],
      ['Audit log', 'Audit log', 'Apply filters'],
      ['Login events', 'Login events', 'Apply filters'],
    ];
    for (const [link, title, action] of screens) {
      await openScreen(page, link, title);
      expect(await hasPageHorizontalScroll(page), `${title} scrolls sideways at 800×600`).toBe(false);
      if (action !== null) {
        const button = page.getByRole('button', { name: action, exact: true }).first();
        const box = await button.boundingBox();
        expect(box !== null && box.x >= 0 && box.x + box.width <= 800, `${action} is within the window`).toBe(true);
      }
      await checkScreen(page, testInfo, `small-${title.toLowerCase().replaceAll(' ', '-')}`);
    }

    // The sidebar folds into a rail and comes back.
    await page.getByRole('button', { name: 'Hide the sidebar' }).click();
    await expect(page.getByRole('navigation', { name: 'Sections' })).toBeHidden();
    const content = await page.locator('main').boundingBox();
    expect(content !== null && content.width > 700).toBe(true);
    expect(await hasPageHorizontalScroll(page)).toBe(false);
    await checkScreen(page, testInfo, 'small-sidebar-hidden');
    await page.getByRole('button', { name: 'Show the sidebar' }).click();
    await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  });

  test('a dialog starts on its first field and gives the focus back to what opened it', async ({ page, dex }) => {
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Clients');
    const opener = page.getByRole('button', { name: 'New client' });
    await opener.click();
    const form = page.getByRole('dialog', { name: 'New client' });
    await expect(form.getByLabel('Client ID')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(opener).toBeFocused();

    // A row's action too: Cancel in the confirmation returns to that row's button.
    const rowAction = page.getByRole('button', { name: 'Delete E2E relying party' });
    await rowAction.focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Delete client' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(rowAction).toBeFocused();

    await openScreen(page, 'Users');
    const newUser = page.getByRole('button', { name: 'New user' });
    await newUser.click();
    await expect(page.getByRole('dialog', { name: 'New user' }).getByRole('textbox').first()).toBeFocused();
    await page.getByRole('dialog', { name: 'New user' }).getByRole('button', { name: 'Close' }).click();
    await expect(newUser).toBeFocused();
  });
});
