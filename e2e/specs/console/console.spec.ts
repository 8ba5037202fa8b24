import type { Page } from '@playwright/test';
import { checkScreen, consoleUrl, openScreen, signIn, watchCspViolations } from '../../fixtures/console.ts';
import { BOTH_STORES } from '../../fixtures/fixture-parts.ts';
import { startRelyingParty } from '../../fixtures/relying-party.ts';
import { type DexStack, expect, test } from '../../fixtures/test.ts';

const LDAP_CONNECTOR_ID = 'corp-ldap';

/** The worker's login page for the stack's relying party, as a user would reach it: the link texts of the chooser, or `form` when it went straight to a connector. */
/** The chooser's entries in order: a link per usable connector, a note per unreachable one. */
async function loginPageChoices(page: Page, dex: DexStack): Promise<string[] | 'form'> {
  await page.goto(dex.rp.loginUrl);
  const choices = page.locator('li > a, li > .unavailable');
  const form = page.getByLabel('Email address');
  await expect(choices.first().or(form)).toBeVisible();
  if (await form.isVisible()) return 'form';
  return (await choices.allTextContents()).map((text) => text.trim());
}

test.describe('the web console at the overlord’s /console', () => {
  // Each checkScreen runs axe twice and takes two full-page screenshots: about 30 s for the
  // longest flows on a busy 2-core machine.
  test.describe.configure({ timeout: 60_000 });
  test('a wrong secret is refused with a clear message', async ({ page, dex }, testInfo) => {
    const csp = watchCspViolations(page);
    await page.goto(consoleUrl(dex.adminUrl));
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await checkScreen(page, testInfo, 'sign-in');

    await page.getByLabel('Admin API secret').fill(`${dex.adminApiSecret.slice(0, -4)}AAAA`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('The overlord refused the admin secret');
    await expect(alert).toContainText(`the admin API at ${dex.adminUrl} refused the admin secret`);
    await expect(page.getByRole('navigation', { name: 'Sections' })).toHaveCount(0);
    await checkScreen(page, testInfo, 'sign-in-wrong-secret');
    // The refused secret was not kept for the tab.
    expect(await page.evaluate('Object.keys(sessionStorage).length')).toBe(0);
    expect(csp).toEqual([]);
  });

  test(
    'an admin creates a client, copies its secret, and that client logs a user in through the worker',
    { tag: BOTH_STORES },
    async ({ page, dex }, testInfo) => {
      const rp = await startRelyingParty();
      try {
        await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
        await openScreen(page, 'Clients');
        await page.getByRole('button', { name: 'New client' }).click();
        const form = page.getByRole('dialog', { name: 'New client' });
        await form.getByLabel('Name').fill('Console-made app');
        await form.getByLabel('Redirect URIs').fill(rp.redirectUri);
        await checkScreen(page, testInfo, 'clients-new');
        await form.getByRole('button', { name: 'Create client' }).click();

        const shown = page.getByRole('dialog', { name: 'Client “Console-made app” created' });
        await expect(shown.getByText('this is the only time it is shown')).toBeVisible();
        const clientId = (await shown.getByTestId('client-id').textContent()) ?? '';
        await shown.getByRole('button', { name: 'Copy secret' }).click();
        await expect(shown.getByText('Copied to the clipboard')).toBeVisible();
        const copied = String(await page.evaluate('navigator.clipboard.readText()'));
        expect(copied).toBe(await shown.getByTestId('client-secret').textContent());
        await checkScreen(page, testInfo, 'clients-secret-shown-once');
        await shown.getByRole('button', { name: 'Done' }).click();
        await expect(page.getByRole('dialog')).toHaveCount(0);
        // Gone from the page once the dialog closed; the table lists the client.
        await expect(page.getByText(copied)).toHaveCount(0);
        await expect(page.getByRole('cell', { name: clientId, exact: true })).toBeVisible();

        await rp.configure({ issuer: dex.issuer, clientId, clientSecret: copied });
        const login = await page.context().newPage();
        await login.goto(rp.loginUrl);
        await login.getByLabel('Email address').fill(dex.user.email);
        await login.getByLabel('Password').fill(dex.user.password);
        await login.getByRole('button', { name: 'Log in' }).click();
        // A client an admin created is not trusted by default: the user allows it once.
        await login.getByRole('button', { name: 'Allow' }).click();
        await expect(login.getByRole('heading', { name: `Signed in as ${dex.user.email}` })).toBeVisible();
        const claims = JSON.parse((await login.locator('#claims').textContent()) ?? '{}') as Record<string, unknown>;
        expect(claims).toMatchObject({ iss: dex.issuer, aud: clientId, email: dex.user.email });
      } finally {
        await rp.close();
      }
    },
  );

  test(
    'an admin adds, reorders, edits and deletes a connector, and the worker’s login page follows without a restart',
    { tag: BOTH_STORES },
    async ({ page, dex }, testInfo) => {
      test.setTimeout(60_000);
      const worker = await page.context().newPage();
      expect(await loginPageChoices(worker, dex)).toBe('form');

      await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
      await openScreen(page, 'Connectors');
      await page.getByRole('button', { name: 'New connector' }).click();
      const form = page.getByRole('dialog', { name: 'New connector' });
      await form.getByLabel('Type').selectOption('ldap');
      await form.getByRole('textbox', { name: /^ID/ }).fill(LDAP_CONNECTOR_ID);
      // The overlord's validation runs as you type; a field is marked once it was left: the LDAP form needs a host.
      await expect(form.getByText('Some fields still need a value or a fix.')).toBeVisible();
      await form.getByRole('textbox', { name: /^Host/ }).focus();
      await page.keyboard.press('Tab');
      await expect(form.getByText('The overlord would refuse this config')).toBeVisible();
      await expect(form.getByRole('textbox', { name: /^Host/ })).toHaveAttribute('aria-invalid', 'true');
      await form.getByRole('textbox', { name: /^Host/ }).fill('ldap.invalid:389');
      await form.getByRole('textbox', { name: /^Base DN/ }).fill('ou=people,dc=example,dc=com');
      await expect(form.getByText('The overlord accepts this config.')).toBeVisible();
      await checkScreen(page, testInfo, 'connectors-new-ldap');
      await form.getByRole('button', { name: 'JSON' }).click();
      await expect(form.getByLabel('Config (JSON)')).toHaveValue(/"host": "ldap.invalid:389"/);
      // Test connection: the overlord really tries the unreachable host, and says where it stopped.
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect(form.getByText('✗ The connection does not work.')).toBeVisible();
      await expect(form.getByRole('listitem').filter({ hasText: /^✗ Connect: / })).toContainText('ldap.invalid:389:');
      await checkScreen(page, testInfo, 'connectors-test-failed');
      // Saving a config whose test failed needs a confirmation.
      await form.getByRole('button', { name: 'Add connector' }).click();
      await expect(form.getByRole('alert')).toContainText('The connection test failed.');
      await form.getByRole('button', { name: 'Save anyway' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await expect(page.getByRole('cell', { name: LDAP_CONNECTOR_ID, exact: true })).toBeVisible();

      await expect(async () =>
        expect(await loginPageChoices(worker, dex)).toEqual(['Log in with Email', `${LDAP_CONNECTOR_ID} is unavailable right now`]),
      ).toPass({
        timeout: 10_000,
      });

      await page.getByRole('button', { name: `Move ${LDAP_CONNECTOR_ID} up` }).click();
      await expect(page.getByRole('row').nth(1)).toContainText(LDAP_CONNECTOR_ID);
      await checkScreen(page, testInfo, 'connectors');
      await expect(async () =>
        expect(await loginPageChoices(worker, dex)).toEqual([`${LDAP_CONNECTOR_ID} is unavailable right now`, 'Log in with Email']),
      ).toPass({
        timeout: 10_000,
      });

      // An edit through the form: the login page shows the new display name.
      await page.getByRole('button', { name: `Edit ${LDAP_CONNECTOR_ID}` }).click();
      const edit = page.getByRole('dialog', { name: `Edit connector ${LDAP_CONNECTOR_ID}` });
      await edit.getByRole('textbox', { name: /^Display name/ }).fill('Corporate directory');
      await expect(edit.getByText('The overlord accepts this config.')).toBeVisible();
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await expect(edit.getByRole('alert')).toContainText('The connection was not tested.');
      await edit.getByRole('button', { name: 'Save anyway' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await expect(async () =>
        expect(await loginPageChoices(worker, dex)).toEqual(['Corporate directory is unavailable right now', 'Log in with Email']),
      ).toPass({
        timeout: 10_000,
      });

      await page.getByRole('button', { name: `Delete ${LDAP_CONNECTOR_ID}` }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete connector' });
      await expect(confirm).toContainText(`Delete the connector ${LDAP_CONNECTOR_ID} (ldap)?`);
      await confirm.getByRole('button', { name: 'Delete connector' }).click();
      await expect(page.getByRole('cell', { name: LDAP_CONNECTOR_ID, exact: true })).toHaveCount(0);
      await expect(async () => expect(await loginPageChoices(worker, dex)).toBe('form')).toPass({ timeout: 10_000 });
    },
  );

  test('an admin rotates the signing keys and the timeline shows the new chain', { tag: BOTH_STORES }, async ({ page, dex }, testInfo) => {
    // Two screens checked (axe and screenshots in both themes) and a wait for the new key to sign.
    test.setTimeout(120_000);
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    await openScreen(page, 'Signing keys');
    const timeline = page.getByRole('list', { name: 'Key timeline' });
    await expect(timeline).toBeVisible();
    const activeBefore = (await page.getByTestId('active-kid').textContent()) ?? '';
    expect(activeBefore).not.toBe('none');
    const itemsBefore = await timeline.getByRole('listitem').count();
    // The active key's exact windows, and the next two rotations: it retires at the first, its
    // successor one key period (24 h here) later.
    const windows = page.getByLabel(`Windows of ${activeBefore}`);
    await expect(windows).toContainText('Published from');
    await expect(windows).toContainText(/Signs until.+\(in (\d+ h|1 d)/);
    const schedule = page.getByRole('list', { name: 'Scheduled rotations' }).getByRole('listitem');
    await expect(schedule).toHaveCount(2);
    await expect(schedule.nth(0)).toContainText(
      new RegExp(`\\(in (\\d+ h|1 d)[^)]*\\) — ${activeBefore} stops signing; a new key signs from then`),
    );
    await expect(schedule.nth(1)).toContainText(/\(in (1 d|2 d)[^)]*\) — that new key stops signing; a new key signs from then/);

    await page.getByRole('button', { name: 'Rotate now' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate signing keys' });
    await expect(confirm.getByRole('radio', { name: 'Publish first (recommended)' })).toBeChecked();
    // Published first: the new key signs after the overlord's publish delay (5 s here).
    const sentence = (kid: string) =>
      new RegExp(
        `^A new key ${kid}is published now and signs from .+ \\(in [1-5] s\\); the current key ${activeBefore} stops signing then and stays published until .+ \\(in 1 d\\), so the tokens it signed keep verifying\\.$`,
      );
    await expect(confirm.getByTestId('rotation-plan')).toHaveText(sentence(''));
    await checkScreen(page, testInfo, 'keys-rotate-dialog');
    await confirm.getByRole('button', { name: 'Rotate now' }).click();
    const toast = page.getByText(/^Keys rotated\. /);
    await expect(toast).toBeVisible();
    const toastText = ((await toast.textContent()) ?? '').replace(/^Keys rotated\. /, '');
    expect(toastText).toMatch(sentence('[0-9a-f]+ '));
    const newKid = /^A new key (\S+) /.exec(toastText)?.[1] ?? '';
    // Published now, not signing yet.
    await expect(timeline.getByRole('listitem').filter({ hasText: newKid })).toContainText('Next');

    // The screen shows the new key signing at its next refresh (every 15 s).
    await expect(page.getByTestId('active-kid')).toHaveText(newKid, { timeout: 30_000 });
    const retired = timeline.getByRole('listitem').filter({ hasText: activeBefore });
    await expect(retired).toContainText('Retired');
    await expect(timeline.getByRole('listitem').filter({ hasText: newKid })).toContainText('Active');
    expect(await timeline.getByRole('listitem').count()).toBeGreaterThanOrEqual(itemsBefore);
    await checkScreen(page, testInfo, 'keys');
  });

  test('every screen loads real data under the strict CSP and passes the accessibility check', async ({ page, dex }, testInfo) => {
    // Two axe runs and two full-page screenshots per screen.
    test.setTimeout(120_000);
    const csp = watchCspViolations(page);
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    const overview = page.getByRole('article', { name: 'Overlord' });
    await expect(overview).toContainText('Healthy');
    await expect(overview).toContainText(dex.provider === 'postgresql' ? 'PostgreSQL' : 'SQLite');
    await expect(page.getByRole('article', { name: 'Signing key' }).getByRole('timer')).toHaveText(/^in /);
    await checkScreen(page, testInfo, 'overview');

    await openScreen(page, 'Clients');
    await expect(page.getByRole('cell', { name: dex.client.id, exact: true })).toBeVisible();
    await checkScreen(page, testInfo, 'clients');

    await openScreen(page, 'Connectors');
    await expect(page.getByRole('row').nth(1)).toContainText('dex’s own users');
    await page.getByRole('button', { name: 'Edit local' }).click();
    await expect(page.getByRole('dialog', { name: 'Edit connector local' })).toBeVisible();
    await checkScreen(page, testInfo, 'connectors-edit-local');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    await openScreen(page, 'Users');
    // The email's cell also carries its "verified" badge; the row's actions name the email too.
    const escaped = dex.user.email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await expect(page.getByRole('cell', { name: new RegExp(`^${escaped}`) })).toBeVisible();
    await checkScreen(page, testInfo, 'users');

    await openScreen(page, 'Audit log');
    await expect(page.getByRole('table')).toBeVisible();
    // The stack made its user through the admin API (dex v0's POST /api/v1/admin).
    await page.getByLabel('Action').selectOption('admin.create');
    await page.getByLabel('Target type').selectOption('user');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByText('Showing 1–1')).toBeVisible();
    await expect(page.getByRole('table').getByRole('row').nth(1)).toContainText('admin.create');
    await checkScreen(page, testInfo, 'audit');

    // A reload keeps the tab signed in (the overlord's session cookie); signing out ends it.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByLabel('Admin API secret')).toBeVisible();
    expect(await page.evaluate('Object.keys(sessionStorage).length')).toBe(0);
    expect(csp).toEqual([]);
  });

  test('the sidebar and dialogs work from the keyboard', async ({ page, dex }) => {
    await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
    const clients = page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Clients', exact: true });
    await clients.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeFocused();
    await page.getByRole('button', { name: 'New client' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New client' });
    await expect(dialog).toBeVisible();
    // Focus moved into the modal dialog; Escape closes it.
    expect(await dialog.evaluate((element) => element.contains(element.ownerDocument.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });
});
