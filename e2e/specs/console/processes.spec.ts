import { test as base, expect } from '@playwright/test';
import { checkScreen, signIn } from '../../fixtures/console.ts';
import { type DexStack, startDexStack } from '../../fixtures/dex-stack.ts';

/** A stack of its own: this test adds a worker to it. */
const test = base.extend<{ ownDex: DexStack }, { pgUrl: string | undefined }>({
  pgUrl: [undefined, { option: true, scope: 'worker' }],
  ownDex: async ({ pgUrl }, use) => {
    const dex = await startDexStack({ pgUrl });
    try {
      await use(dex);
    } finally {
      await dex.stop();
    }
  },
});

test('the overview shows both workers and the overlord, with the key each worker signs with', async ({ page, ownDex }, testInfo) => {
  test.setTimeout(90_000);
  const second = await ownDex.addWorker();
  const keys = (await (await fetch(`${ownDex.adminUrl}/api/v1/keys`, { headers: { Authorization: ownDex.adminApiSecret } })).json()) as {
    keys: { kid: string; state: string }[];
  };
  const active = keys.keys.find((key) => key.state === 'active')?.kid ?? 'no active key';

  await signIn(page, { adminUrl: ownDex.adminUrl, secret: ownDex.adminApiSecret });
  const processes = page.getByRole('article', { name: 'Processes' });
  for (const issuer of [ownDex.issuer, second.issuer]) {
    const row = processes.getByRole('row').filter({ hasText: `Worker ${issuer}` });
    await expect(row).toContainText('Healthy');
    await expect(row).toContainText(active);
    await expect(row).toContainText('1 answering');
  }
  await expect(processes.getByRole('row').filter({ hasText: `Overlord ${ownDex.adminUrl}` })).toContainText('Healthy');
  await expect(processes.getByRole('alert')).toHaveCount(0);
  await checkScreen(page, testInfo, 'overview-two-workers');

  // A worker that stops cleanly leaves the list within one refresh.
  await second.service.stop();
  await expect(processes.getByRole('row').filter({ hasText: `Worker ${second.issuer}` })).toHaveCount(0, { timeout: 10_000 });
});
