import { createServer } from 'node:net';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
// The server's vitest helper for a real OpenLDAP (slapd), reused as is.
import { type Slapd, startSlapd } from '../../../apps/server/test/support/slapd.ts';
import { checkScreen, openScreen, signIn } from '../../fixtures/console.ts';
import { type DexStack, startDexStack } from '../../fixtures/dex-stack.ts';
import { startUpstreamProvider, type UpstreamProvider } from '../../fixtures/upstream-provider.ts';

const SUFFIX = 'dc=example,dc=org';
const SERVICE_DN = `cn=svc,${SUFFIX}`;
const SERVICE_PW = 'svc-bind-pw-e2e-7d1f';
const DIRECTORY = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ${SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: svc
userPassword: ${SERVICE_PW}

dn: uid=ada,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: ada
cn: Ada
sn: Lovelace
mail: ada@example.org
`;

interface Peers {
  dex: DexStack;
  upstream: UpstreamProvider;
  slapd: Slapd;
  /** A loopback port nothing listens on. */
  closedPort: number;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A dex of its own (the connectors list is asserted whole), a real upstream OpenID Provider and a real slapd with StartTLS. */
const test = base.extend<{ peers: Peers }, { pgUrl: string | undefined }>({
  pgUrl: [undefined, { option: true, scope: 'worker' }],
  peers: async ({ pgUrl }, use, testInfo) => {
    const [dex, upstream, slapd] = await Promise.all([
      startDexStack({ pgUrl }),
      startUpstreamProvider({ clients: [], accounts: [] }),
      startSlapd({ suffix: SUFFIX, tls: true }),
    ]);
    // Only once everything listens: a port released earlier could be handed to one of them.
    const port = await closedPort();
    try {
      await slapd.add(DIRECTORY);
      await use({ dex, upstream, slapd, closedPort: port });
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) {
        for (const service of dex.services)
          await testInfo.attach(`${service.name}.log`, { body: service.output(), contentType: 'text/plain' });
      }
      await Promise.all([dex.stop(), upstream.close(), slapd.stop()]);
    }
  },
});

// Each test starts its own dex, upstream and slapd (a few seconds), and waits for a heartbeat (every 5 s).
test.describe.configure({ timeout: 90_000 });

/** Opens "New connector" and picks the type. */
async function newConnector(page: Page, type: 'oidc' | 'ldap'): Promise<Locator> {
  await page.getByRole('button', { name: 'New connector' }).click();
  const form = page.getByRole('dialog', { name: 'New connector' });
  await form.getByLabel('Type').selectOption(type);
  return form;
}

/** The steps the last "Test connection" listed, as "✓ name" / "✗ name". */
async function testedSteps(form: Locator): Promise<string[]> {
  const items = await form.locator('.test-steps li').allTextContents();
  return items.map((text) => text.split(':')[0] ?? '');
}

/** The Health cell of a connector's row. */
const healthOf = (page: Page, id: string) =>
  page
    .getByRole('table')
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: id, exact: true }) })
    .getByRole('cell')
    .nth(4);

test('Test connection checks a real OpenID Provider, and the list shows the connector healthy once the worker reports it', async ({
  page,
  peers,
}, testInfo) => {
  const { dex, upstream } = peers;
  await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
  await openScreen(page, 'Connectors');
  await expect(healthOf(page, 'local')).toHaveText('OK on 1 of 1 worker');

  const form = await newConnector(page, 'oidc');
  await form.getByLabel(/^ID/).fill('upstream');
  await form.getByLabel(/^Issuer URL/).fill(upstream.issuer);
  await form.getByLabel(/^Client ID/).fill('dex-e2e');
  await form.getByLabel(/^Client secret/).fill('upstream-client-secret-e2e');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByText('✓ The connection works.')).toBeVisible();
  // What was checked, in order: the discovery document, its issuer, the signing keys.
  expect(await testedSteps(form)).toEqual(['✓ Fetch the discovery document', '✓ Check the issuer', '✓ Fetch the signing keys (JWKS)']);
  await checkScreen(page, testInfo, 'connection-test-oidc-ok');

  // Tested and working: saved at once, no "Save anyway".
  await form.getByRole('button', { name: 'Add connector' }).click();
  await expect(form).toBeHidden();
  // The worker picks the new connector up, checks it at its next heartbeat and reports it.
  await expect(healthOf(page, 'upstream')).toHaveText('OK on 1 of 1 worker', { timeout: 20_000 });
});

test('Test connection checks a real LDAP server over StartTLS, in the sectioned form at 800×600', async ({ page, peers }, testInfo) => {
  const { dex, slapd } = peers;
  await page.setViewportSize({ width: 800, height: 600 });
  await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
  await openScreen(page, 'Connectors');

  const form = await newConnector(page, 'ldap');
  const section = (name: string) => form.getByRole('group', { name });
  await form.getByLabel(/^ID/).fill('directory');
  await section('Connection').getByLabel(/^Host/).fill(slapd.host);
  await section('TLS').getByLabel('StartTLS').check();
  await section('TLS')
    .getByLabel(/^CA file/)
    .fill(slapd.caFile ?? '');
  await section('Search')
    .getByLabel(/^Base DN/)
    .fill(`ou=people,${SUFFIX}`);
  await section('Search')
    .getByLabel(/^Service account DN/)
    .fill(SERVICE_DN);
  await section('Search')
    .getByLabel(/^Service account password/)
    .fill(SERVICE_PW);
  // The sections are framed groups with their titles, in both themes, and the form fits the small window.
  for (const name of ['Connection', 'TLS', 'Search', 'Attributes', 'Groups']) {
    await expect(section(name)).toBeVisible();
    await expect(section(name)).toHaveCSS('border-top-style', 'solid');
  }
  expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
  await checkScreen(page, testInfo, 'connector-form-ldap-800x600');

  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByText('✓ The connection works.')).toBeVisible();
  expect(await testedSteps(form)).toEqual([
    '✓ Read the TLS files',
    '✓ Connect (StartTLS)',
    '✓ Bind as the service account',
    '✓ Search under the base DN',
  ]);
  // The service account's password is never shown back.
  await expect(form.locator('.test-steps')).not.toContainText(SERVICE_PW);
  await form.getByRole('button', { name: 'Add connector' }).click();
  await expect(form).toBeHidden();
  await expect(healthOf(page, 'directory')).toHaveText('OK on 1 of 1 worker', { timeout: 20_000 });
});

test('an unreachable upstream: the test says why, saving needs "Save anyway", and the list shows it failing', async ({
  page,
  peers,
}, testInfo) => {
  const { dex, closedPort: port } = peers;
  const issuer = `http://127.0.0.1:${port}`;
  await signIn(page, { adminUrl: dex.adminUrl, secret: dex.adminApiSecret });
  await openScreen(page, 'Connectors');

  const form = await newConnector(page, 'oidc');
  await form.getByLabel(/^ID/).fill('gone');
  await form.getByLabel(/^Issuer URL/).fill(issuer);
  await form.getByLabel(/^Client ID/).fill('dex');
  await form.getByLabel(/^Client secret/).fill('gone-client-secret-e2e');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByText('✗ The connection does not work.')).toBeVisible();
  await expect(form.locator('.test-steps li')).toHaveCount(1);
  await expect(form.locator('.test-steps li')).toContainText(
    `✗ Fetch the discovery document: ${issuer}/.well-known/openid-configuration: connection refused`,
  );

  await form.getByRole('button', { name: 'Add connector' }).click();
  await expect(form.getByRole('alert')).toContainText('The connection test failed.');
  await expect(form).toBeVisible();
  await checkScreen(page, testInfo, 'connection-test-failed');
  await form.getByRole('button', { name: 'Save anyway' }).click();
  await expect(form).toBeHidden();

  // New: nobody reports it yet, then the worker's next heartbeat says it fails, and why.
  const health = healthOf(page, 'gone');
  await expect(health.getByText('Failing on 1 of 1 worker')).toBeVisible({ timeout: 20_000 });
  await health.getByText('Failing on 1 of 1 worker').click();
  await expect(health.getByRole('listitem')).toHaveText(`${dex.issuer}: discovery of ${issuer}/ failed: connection refused`);
  await expect(healthOf(page, 'local')).toHaveText('OK on 1 of 1 worker');
  await checkScreen(page, testInfo, 'connectors-health-failing');
});
