import { test as base, expect } from '@playwright/test';
import { openScreen, signIn } from '../../fixtures/console.ts';
import { type DexStack, startDexStack } from '../../fixtures/dex-stack.ts';

/** A stack of its own: an immediate rotation withdraws every key, which would break other tests' tokens. */
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

/** The kids the worker publishes, as a relying party fetches them. */
async function publishedKids(issuer: string): Promise<string[]> {
  const response = await fetch(`${issuer}/keys`);
  expect(response.status).toBe(200);
  const jwks = (await response.json()) as { keys: { kid: string }[] };
  return jwks.keys.map((key) => key.kid).sort();
}

test('an admin rotates immediately after a leak: the old key leaves the worker’s JWKS at once and a fresh key signs', async ({
  page,
  ownDex,
}) => {
  test.setTimeout(90_000);
  await signIn(page, { adminUrl: ownDex.adminUrl, secret: ownDex.adminApiSecret });
  await openScreen(page, 'Signing keys');
  const leaked = (await page.getByTestId('active-kid').textContent()) ?? '';
  expect(leaked).not.toBe('none');
  expect(await publishedKids(ownDex.issuer)).toContain(leaked);

  await page.getByRole('button', { name: 'Rotate now' }).click();
  const confirm = page.getByRole('dialog', { name: 'Rotate signing keys' });
  await confirm.getByRole('radio', { name: 'Immediate — the key leaked' }).check();
  const sentence = (kid: string) =>
    new RegExp(
      `^A new key ${kid}is published and signs at once; ${leaked} leaves the JWKS at once, so every token it signed stops verifying \\(workers follow within about a second; relying parties that cached the JWKS may need to refetch it\\)\\.$`,
    );
  await expect(confirm.getByTestId('rotation-plan')).toHaveText(sentence(''));
  // The extra confirmation: nothing happens until the admin says they understand.
  const rotate = confirm.getByRole('button', { name: 'Rotate immediately' });
  await expect(rotate).toBeDisabled();
  await confirm.getByRole('checkbox', { name: /^I understand: tokens signed by the withdrawn keys stop verifying at once/ }).check();
  await rotate.click();

  const toast = page.getByText(/^Keys rotated\. /);
  await expect(toast).toBeVisible();
  const toastText = ((await toast.textContent()) ?? '').replace(/^Keys rotated\. /, '');
  expect(toastText).toMatch(sentence('[0-9a-f]+ '));
  const fresh = /^A new key (\S+) /.exec(toastText)?.[1] ?? '';

  // The worker follows within about a second: only the fresh key is published.
  await expect(async () => expect(await publishedKids(ownDex.issuer)).toEqual([fresh])).toPass({ timeout: 5_000 });
  await expect(page.getByTestId('active-kid')).toHaveText(fresh);
  await expect(page.getByRole('list', { name: 'Key timeline' }).getByRole('listitem')).toHaveCount(1);

  // And it signs: a login through the relying party gets an ID token under the fresh key.
  await page.goto(ownDex.rp.loginUrl);
  await page.getByLabel('Email address').fill(ownDex.user.email);
  await page.getByLabel('Password', { exact: true }).fill(ownDex.user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.origin === ownDex.rp.origin && url.pathname === '/callback');
  await expect(page.getByRole('heading', { name: /^Signed in as / })).toBeVisible();
});
