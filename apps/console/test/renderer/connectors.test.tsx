import { MASKED_SECRET } from '@dex/shared/admin-api';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord, makeConnector } from './fake-bridge.ts';
import { axeViolations, renderConsole } from './render-console.tsx';

const corp = { type: 'oidc', id: 'corp', issuerURL: 'https://login.corp.example.com', clientID: 'dex', clientSecret: 'upstream-secret' };

describe('connectors screen', () => {
  it('lists the connectors in login-page order and reorders them', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [makeConnector(corp, 1), makeConnector({ type: 'local', id: 'local' }, 0)];
    renderConsole(fake.bridge, { route: 'connectors' });

    const table = await screen.findByRole('table');
    const ids = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.querySelectorAll('td')[1]?.textContent);
    expect(ids()).toEqual(['local', 'corp']);
    expect(within(table).getByText('https://login.corp.example.com')).toBeTruthy();
    expect(await axeViolations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Move corp up' }));
    await waitFor(() => expect(ids()).toEqual(['corp', 'local']));
    expect(fake.calls.find((call) => call.name === 'connectors.update')?.args).toEqual(['corp', { position: 0 }]);
  });

  it('names each connector by its display name, and by its ID when it has none', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [makeConnector({ type: 'local', id: 'local' }, 0), makeConnector({ ...corp, name: 'Corp SSO' }, 1)];
    renderConsole(fake.bridge, { route: 'connectors' });

    const table = await screen.findByRole('table');
    const names = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.querySelectorAll('td')[1]?.textContent);
    expect(names).toEqual(['local', 'Corp SSO (corp)']);
    expect(await axeViolations()).toEqual([]);
  });

  it('does not offer a second local connector when one exists', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [makeConnector({ type: 'local', id: 'local' }, 0)];
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'New connector' }));
    const dialog = await screen.findByRole('dialog');
    const type = within(dialog).getByLabelText('Type');
    const offered = within(type)
      .getAllByRole('option')
      .map((option) => option.textContent);
    expect(offered).toEqual(['OpenID Connect provider', 'LDAP directory']);
    expect((type as HTMLSelectElement).value).toBe('oidc');
    expect(await axeViolations()).toEqual([]);
  });

  it('offers the local connector while there is none', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [makeConnector(corp, 0)];
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'New connector' }));
    const type = within(await screen.findByRole('dialog')).getByLabelText('Type');
    expect(
      within(type)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toContain('Local (email and password)');
  });

  it('clears the server’s refusal once the config changes', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'New connector' }));
    const form = await screen.findByRole('dialog', { name: 'New connector' });
    await user.type(within(form).getByLabelText(/^ID/), 'corp2');
    await user.click(within(form).getByRole('button', { name: 'Add connector' }));
    await user.click(await within(form).findByRole('button', { name: 'Save anyway' }));
    const refusal = () =>
      within(form)
        .queryAllByRole('alert')
        .filter((alert) => alert.textContent?.includes('issuerURL is required'));
    await waitFor(() => expect(refusal()).toHaveLength(1));

    await user.type(within(form).getByLabelText(/^Client ID/), 'dex');
    expect(refusal()).toHaveLength(0);
  });

  it('shows the LDAP form in sections', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'New connector' }));
    const form = await screen.findByRole('dialog', { name: 'New connector' });
    await user.selectOptions(within(form).getByLabelText('Type'), 'ldap');
    const legends = [...form.querySelectorAll('fieldset > legend')].map((legend) => legend.textContent);
    expect(legends).toEqual(['Editor', 'Connection', 'TLS', 'Search', 'Attributes', 'Groups']);
    expect(within(within(form).getByRole('group', { name: 'Connection' })).getByLabelText(/^Host/)).toBeTruthy();
    expect(within(within(form).getByRole('group', { name: 'Groups' })).getByLabelText(/^Group filter/)).toBeTruthy();
    expect(await axeViolations()).toEqual([]);
  });

  it('says nobody can log in when there is no connector', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [];
    renderConsole(fake.bridge, { route: 'connectors' });
    expect(await screen.findByText('No connectors yet')).toBeTruthy();
  });

  it('validates a new oidc connector as you type, with the overlord’s problems next to the fields', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'New connector' }));
    const form = await screen.findByRole('dialog', { name: 'New connector' });
    // Only the types the worker serves are offered, and no second local (the fake has one).
    const types = [...(within(form).getByLabelText('Type') as HTMLSelectElement).options].map((option) => option.value);
    expect(types).toEqual(['oidc', 'ldap']);
    await user.selectOptions(within(form).getByLabelText('Type'), 'oidc');
    await user.type(within(form).getByLabelText(/^ID/), 'corp');

    // The overlord's validation (debounced) marks the required fields still empty.
    const issuer = within(form).getByLabelText(/Issuer URL/);
    await waitFor(() => expect(issuer.getAttribute('aria-invalid')).toBe('true'));
    // In the fields' own words, each problem once.
    for (const label of ['Issuer URL', 'Client ID', 'Client secret'])
      expect(within(form).getAllByText(`${label} is required`)).toHaveLength(1);
    expect(await axeViolations()).toEqual([]);

    await user.type(issuer, 'login.corp.example.com');
    expect(await within(form).findByText('Issuer URL must be an http(s) URL')).toBeTruthy();
    await user.clear(issuer);
    await user.type(issuer, 'https://login.corp.example.com');
    await user.type(within(form).getByLabelText(/Client ID/), 'dex');
    await user.type(within(form).getByLabelText(/Client secret/), 'upstream-secret');
    await user.type(within(form).getByLabelText(/Scopes/), 'openid email groups');
    expect(await within(form).findByText('✓ The overlord accepts this config.')).toBeTruthy();
    expect(issuer.getAttribute('aria-invalid')).toBe('false');

    // Not tested: saving asks for a confirmation first.
    await user.click(within(form).getByRole('button', { name: 'Add connector' }));
    expect(within(form).getByRole('alert').textContent).toContain('The connection was not tested.');
    expect(fake.calls.some((call) => call.name === 'connectors.create')).toBe(false);
    await user.click(within(form).getByRole('button', { name: 'Save anyway' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.calls.find((call) => call.name === 'connectors.create')?.args[0]).toEqual({
      type: 'oidc',
      id: 'corp',
      issuerURL: 'https://login.corp.example.com',
      clientID: 'dex',
      clientSecret: 'upstream-secret',
      scopes: ['openid', 'email', 'groups'],
    });
    expect(await screen.findByText('corp')).toBeTruthy();
  });

  it('edits in the raw JSON view too, and refuses JSON that is not a config', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'New connector' }));
    const form = await screen.findByRole('dialog', { name: 'New connector' });
    await user.type(within(form).getByLabelText(/^ID/), 'ldap');
    await user.click(within(form).getByRole('button', { name: 'JSON' }));
    const json = within(form).getByLabelText(/Config \(JSON\)/) as HTMLTextAreaElement;
    expect(JSON.parse(json.value)).toEqual({ type: 'oidc', id: 'ldap' });

    await user.clear(json);
    await user.type(json, '{{"type": "ldap"');
    expect(within(form).getByText(/^Not valid JSON/)).toBeTruthy();
    expect((within(form).getByRole('button', { name: 'Add connector' }) as HTMLButtonElement).disabled).toBe(true);

    await user.clear(json);
    await user.type(json, '{{"type": "ldap", "id": "directory", "host": "ldap.example.com:389"}');
    expect(await within(form).findByText('✓ The overlord accepts this config.')).toBeTruthy();
    await user.click(within(form).getByRole('button', { name: 'Form' }));
    expect((within(form).getByLabelText(/^Host/) as HTMLInputElement).value).toBe('ldap.example.com:389');
    expect((within(form).getByLabelText(/^ID/) as HTMLInputElement).value).toBe('directory');
  });

  it('keeps stored secrets write-only: shown empty, kept unless replaced', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [makeConnector({ type: 'local', id: 'local' }, 0), makeConnector(corp, 1)];
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'Edit corp' }));
    const form = await screen.findByRole('dialog', { name: 'Edit connector corp' });
    const secret = within(form).getByLabelText(/Client secret/) as HTMLInputElement;
    expect(secret.value).toBe('');
    expect(within(form).getByText('A secret is stored: leave empty to keep it, type to replace it.')).toBeTruthy();
    expect(form.textContent).not.toContain('upstream-secret');
    expect(await axeViolations()).toEqual([]);

    const clientId = within(form).getByLabelText(/Client ID/);
    await user.clear(clientId);
    await user.type(clientId, 'dex-2');
    // Tested and working: saved without a confirmation.
    await user.click(within(form).getByRole('button', { name: 'Test connection' }));
    expect(await within(form).findByText('✓ The connection works.')).toBeTruthy();
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // Only what changed is sent: the masked secret stays out of the patch, so the stored one is kept.
    expect(fake.calls.find((call) => call.name === 'connectors.update')?.args).toEqual(['corp', { clientID: 'dex-2' }]);
    expect(fake.connectors.find((item) => item.id === 'corp')?.config.clientSecret).toBe('upstream-secret');

    await user.click(screen.getByRole('button', { name: 'Edit corp' }));
    const again = await screen.findByRole('dialog', { name: 'Edit connector corp' });
    await user.type(within(again).getByLabelText(/Client secret/), 'rotated-upstream-secret');
    await user.click(within(again).getByRole('button', { name: 'JSON' }));
    expect((within(again).getByLabelText(/Config \(JSON\)/) as HTMLTextAreaElement).value).toContain('rotated-upstream-secret');
    await user.click(within(again).getByRole('button', { name: 'Save changes' }));
    await user.click(within(again).getByRole('button', { name: 'Save anyway' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.calls.filter((call) => call.name === 'connectors.update').at(-1)?.args).toEqual([
      'corp',
      { clientSecret: 'rotated-upstream-secret' },
    ]);
    expect(MASKED_SECRET).toBe('********');
  });

  it('deletes a connector after a confirmation that names it', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [makeConnector({ type: 'local', id: 'local' }, 0), makeConnector(corp, 1)];
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'Delete corp' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete connector' });
    expect(dialog.textContent).toContain('Delete the connector corp (oidc)?');
    await user.click(within(dialog).getByRole('button', { name: 'Delete connector' }));
    await waitFor(() => expect(screen.queryByText('corp')).toBeNull());
    expect(fake.calls.find((call) => call.name === 'connectors.remove')?.args).toEqual(['corp']);
  });
});
