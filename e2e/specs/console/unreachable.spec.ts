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

test('an overlord that stops is reported within 5 s, the data is marked stale, and every screen recovers by itself when it returns', async ({
  page,
  ownDex,
}, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page, { adminUrl: ownDex.adminUrl, secret: ownDex.adminApiSecret });
  // The overview shows this deployment's processes: the worker and the overlord.
  const processes = page.getByRole('article', { name: 'Processes' });
  await expect(processes.getByRole('row')).toHaveCount(3);
  await expect(processes).toContainText(`Worker ${ownDex.issuer}`);
  const overlord = ownDex.services.find((service) => service.name === 'dex-overlord');
  if (overlord === undefined) throw new Error('the stack has no overlord');
  await overlord.stop();
  const stoppedAt = Date.now();

  const banner = page.getByRole('alert').filter({ hasText: 'cannot be reached (since' });
  await expect(banner).toBeVisible({ timeout: 5_000 });
  expect(Date.now() - stoppedAt).toBeLessThanOrEqual(5_000);
  await expect(banner).toContainText(`The overlord at ${ownDex.adminUrl} cannot be reached`);
  // The overview no longer says "Healthy" about an overlord nobody can reach, and its data is marked stale.
  await expect(page.getByRole('article', { name: 'Overlord' })).toContainText('Unreachable');
  await expect(page.getByText(/^Not up to date: loaded \d+ s ago$/)).toBeVisible();
  await testInfo.attach('overlord-unreachable.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });

  // A screen opened now cannot load, and says why.
  await openScreen(page, 'Clients');
  const failure = page.getByRole('alert').filter({ hasText: 'The overlord cannot be reached' });
  await expect(failure).toContainText(`cannot reach the admin API at ${ownDex.adminUrl}`, { timeout: 20_000 });
  await testInfo.attach('overlord-unreachable-screen.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });

  // The overlord comes back where it was: the banner goes and the screen loads, without a click.
  await ownDex.restartOverlord();
  await expect(banner).toBeHidden({ timeout: 10_000 });
  await expect(failure).toBeHidden();
  await expect(page.getByRole('cell', { name: 'E2E relying party', exact: true })).toBeVisible();
  await expect(page.getByText(/^Not up to date/)).toBeHidden();
  expect(page.url()).toBe(consoleUrl(ownDex.adminUrl, 'clients'));

  // The screens that kept their data refresh too: the overview shows the new overlord as healthy.
  await openScreen(page, 'Overview');
  await expect(page.getByRole('article', { name: 'Overlord' })).toContainText('Healthy');
  await testInfo.attach('overlord-back.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
});
