import { test as base, expect } from '@playwright/test';
import { consoleUrl, openScreen, signIn } from '../../fixtures/console.ts';
import { type DexStack, startDexStack } from '../../fixtures/dex-stack.ts';

/** A stack of its own: this test stops its overlord. */
const test = base.extend<{ ownDex: DexStack }, { pgUrl: string | undefined }>({
  pgUrl: [undefined, { option: true, scope: 'worker' }],
  ownDex: async ({ pgUrl }, use, testInfo) => {
    const dex = await startDexStack({ pgUrl });
    try {
      await use(dex);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) {
        for (const service of dex.services) {
          await testInfo.attach(`${service.name}.log`, { body: service.output(), contentType: 'text/plain' });
        }
      }
      await dex.stop();
    }
  },
});

test('an overlord that stops answering after sign-in is reported plainly, and the sidebar stays usable', async ({
  page,
  ownDex,
}, testInfo) => {
  test.setTimeout(90_000);
  await signIn(page, { adminUrl: ownDex.adminUrl, secret: ownDex.adminApiSecret });
  const overlord = ownDex.services.find((service) => service.name === 'dex-overlord');
  if (overlord === undefined) throw new Error('the stack has no overlord');
  await overlord.stop();

  await openScreen(page, 'Clients');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The overlord cannot be reached', { timeout: 20_000 });
  await expect(alert).toContainText(`cannot reach the admin API at ${ownDex.adminUrl}`);
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  await testInfo.attach('overlord-unreachable.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });

  // A screen that already shows data keeps it, and a notification says the refresh failed
  // (the overview loaded the key chain before the overlord stopped).
  await openScreen(page, 'Signing keys');
  await expect(page.getByRole('list', { name: 'Key timeline' })).toBeVisible();
  // Its refetch (on opening the screen once the data is stale, or the periodic one) fails.
  const notifications = page.getByRole('region', { name: 'Notifications' });
  await expect(notifications).toContainText(`Refreshing failed: cannot reach the admin API at ${ownDex.adminUrl}`, { timeout: 30_000 });
  await testInfo.attach('overlord-unreachable-refresh.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  expect(page.url()).toBe(consoleUrl(ownDex.adminUrl, 'keys'));
});
