import { MASKED_SECRET } from '@dex/shared/admin-api';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord, makeConnector, makeProcess } from './fake-bridge.ts';
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
    fake.connectors.push(makeConnector(corp, 1));
    renderConsole(fake.bridge, { route: 'connectors' });

    await user.click(await screen.findByRole('button', { name: 'New connector' }));
    const form = await screen.findByRole('dialog', { name: 'New connector' });
    // A config the validation accepts, refused by the save itself (the ID is taken).
    await user.type(within(form).getByLabelText(/^ID/), 'corp');
    await user.type(within(form).getByLabelText(/^Issuer URL/), 'https://login.corp.example.com');
    await user.type(within(form).getByLabelText(/^Client ID/), 'dex');
    await user.type(within(form).getByLabelText(/^Client secret/), 's3cret');
    await user.click(within(form).getByRole('button', { name: 'Add connector' }));
    await user.click(await within(form).findByRole('button', { name: 'Save anyway' }));
    const refusal = () =>
      within(form)
        .queryAllByRole('alert')
        .filter((alert) => alert.textContent?.includes('already exists'));
    await waitFor(() => expect(refusal()).toHaveLength(1));

    await user.type(within(form).getByLabelText(/^ID/), '2');
    expect(refusal()).toHaveLength(0);
  });

  it('shows each connector’s health as the running workers report it, silent workers not counted', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.connectors = [
      makeConnector({ type: 'local', id: 'local' }, 0),
      makeConnector(corp, 1),
      makeConnector({ ...corp, id: 'fresh' }, 2),
    ];
    fake.processes = [
      makeProcess({ connectors: { local: 'ok', corp: 'discovery of https://login.corp.example.com/ failed: connection refused' } }),
      makeProcess({ id: 'worker-b', address: 'http://10.0.0.2:5556/dex', connectors: { local: 'ok', corp: 'ok' } }),
      makeProcess({
        id: 'worker-c',
        address: 'http://10.0.0.3:5556/dex',
        state: 'silent',
        silentForSeconds: 600,
        connectors: { local: 'ok', corp: 'ok', fresh: 'ok' },
      }),
    ];
    renderConsole(fake.bridge, { route: 'connectors' });

    const table = await screen.findByRole('table');
    const row = (id: string) =>
      within(table)
        .getAllByRole('row')
        .find((candidate) => candidate.textContent?.includes(id)) as HTMLElement;
    const health = (id: string) => within(row(id)).getAllByRole('cell')[4]?.textContent;
    await waitFor(() => expect(health('local')).toBe('OK on 2 of 2 workers (1 silent, not counted)'));
    expect(row('corp').querySelector('summary')?.textContent).toBe('Failing on 1 of 2 workers (1 silent, not counted)');
    // Only the silent worker reports the new connector: nobody live does yet.
    expect(health('fresh')).toBe('No worker reports it yet (1 silent, not counted)');

    // The failing worker's own words, one click away (and on hover).
    const disclosure = row('corp').querySelector('details') as HTMLDetailsElement;
    expect(disclosure.open).toBe(false);
    expect(disclosure.title).toBe('http://10.0.0.1:5556/dex: discovery of https://login.corp.example.com/ failed: connection refused');
    await user.click(within(row('corp')).getByText('Failing on 1 of 2 workers'));
    expect(disclosure.open).toBe(true);
    expect(within(disclosure).getByRole('listitem').textContent).toBe(
      'http://10.0.0.1:5556/dex: discovery of https://login.corp.example.com/ failed: connection refused',
    );
    expect(await axeViolations()).toEqual([]);
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

    // The overlord's validation (debounced) runs, but fields not visited yet are not marked.
    const issuer = within(form).getByLabelText(/Issuer URL/);
    expect(await within(form).findByText('Some fields still need a value or a fix.')).toBeTruthy();
    expect(within(form).queryByText(/is required/)).toBeNull();
    expect(issuer.getAttribute('aria-invalid')).toBe('false');

    // Leaving a field marks it, and only it.
    await user.click(issuer);
    await user.tab();
    await waitFor(() => expect(issuer.getAttribute('aria-invalid')).toBe('true'));
    expect(
      within(form)
        .getAllByText(/is required/)
        .map((node) => node.textContent),
    ).toEqual(['Issuer URL is required']);

    // Saving marks every field, each problem once in the field's own words, saves nothing and goes to the first one.
    await user.click(within(form).getByRole('button', { name: 'Add connector' }));
    await waitFor(() => expect(within(form).getAllByText('Client secret is required')).toHaveLength(1));
    for (const label of ['Issuer URL', 'Client ID']) expect(within(form).getAllByText(`${label} is required`)).toHaveLength(1);
    expect(document.activeElement).toBe(issuer);
    expect(within(form).getByText('See the fields marked above.')).toBeTruthy();
    expect(fake.calls.some((call) => call.name === 'connectors.create')).toBe(false);
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
    // Not said while typing; said once the editor is left, and saving sends nothing.
    expect(within(form).queryByText(/^Not valid JSON/)).toBeNull();
    await user.tab();
    expect(within(form).getByText(/^Not valid JSON/)).toBeTruthy();
    expect(json.getAttribute('aria-invalid')).toBe('true');
    await user.click(within(form).getByRole('button', { name: 'Add connector' }));
    expect(within(form).getAllByText(/^Not valid JSON/)).toHaveLength(1);
    expect(fake.calls.some((call) => call.name === 'connectors.create')).toBe(false);

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
