import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeOverlord, makeClient } from './fake-bridge.ts';
import { axeViolations, pending, renderConsole } from './render-console.tsx';

describe('clients screen', () => {
  it('shows a loading state while the list is on its way', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    fake.bridge.clients.list = () => pending();
    renderConsole(fake.bridge, { route: 'clients' });
    expect((await screen.findByText('Loading clients…')).getAttribute('role')).toBe('status');
    expect(await axeViolations()).toEqual([]);
  });

  it('lists clients in a table that passes the accessibility check', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'clients' });
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1] as HTMLElement).getByText('billing-app')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('Public')).toBeTruthy();
    expect(screen.getByText('Showing 1–2 of 2')).toBeTruthy();
    expect(await axeViolations()).toEqual([]);
  });

  it('says so when there is no client, and when a search matches none', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.clients = [];
    renderConsole(fake.bridge, { route: 'clients' });
    expect(await screen.findByText('No clients yet')).toBeTruthy();
    fake.clients = [makeClient()];
    await user.type(screen.getByLabelText('Search clients'), 'nothing-like-this');
    expect(await screen.findByText('No client matches “nothing-like-this”')).toBeTruthy();
    expect(fake.calls.filter((call) => call.name === 'clients.list').at(-1)?.args[0]).toMatchObject({ q: 'nothing-like-this' });
  });

  it('shows a failed load in place of the screen (the sidebar stays) and recovers with Try again', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    const list = fake.bridge.clients.list;
    fake.bridge.clients.list = () => Promise.resolve({ ok: false, error: { code: 'DATABASE_UNREACHABLE', message: 'database is down' } });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    renderConsole(fake.bridge, { route: 'clients' });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The overlord cannot reach its database');
    expect(alert.textContent).toContain('database is down');
    expect(screen.getByRole('heading', { level: 1, name: 'Clients' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Sections' })).toBeTruthy();
    expect(await axeViolations()).toEqual([]);

    fake.bridge.clients.list = list;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeTruthy();
  });

  it('pages through clients with the cursor of the previous page', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.clients = Array.from({ length: 30 }, (_, index) =>
      makeClient({ id: `app-${String(index).padStart(2, '0')}`, name: `App ${index}` }),
    );
    renderConsole(fake.bridge, { route: 'clients' });
    expect(await screen.findByText('Showing 1–25 of 30')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('Showing 26–30 of 30')).toBeTruthy();
    expect(screen.getByText('app-29')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('Showing 1–25 of 30')).toBeTruthy();
  });

  it('says what is wrong with a field once it is left, not while it is typed in', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'clients' });

    await user.click(await screen.findByRole('button', { name: 'New client' }));
    const form = await screen.findByRole('dialog', { name: 'New client' });
    const uris = within(form).getByLabelText(/Redirect URIs/);
    await user.type(uris, 'https://shop.example.com/cal');
    expect(within(form).queryByRole('list', { name: 'Invalid redirect URIs' })).toBeNull();
    await user.clear(uris);
    await user.type(uris, 'shop.example.com/callback');
    expect(within(form).queryByText('1 redirect URI is invalid.')).toBeNull();
    expect(uris.getAttribute('aria-invalid')).toBe('false');

    await user.tab();
    expect(within(form).getByText('1 redirect URI is invalid.')).toBeTruthy();
    expect(uris.getAttribute('aria-invalid')).toBe('true');
    // Fields not visited yet stay quiet until a save is tried, which then goes to the first problem.
    await user.click(within(form).getByLabelText('Public client'));
    expect(within(form).queryByText('A public client needs a name (users see it).')).toBeNull();
    await user.click(within(form).getByRole('button', { name: 'Create client' }));
    expect(within(form).getAllByText('A public client needs a name (users see it).')).toHaveLength(1);
    expect(document.activeElement).toBe(within(form).getByLabelText(/^Name/));
    expect(fake.calls.some((call) => call.name === 'clients.create')).toBe(false);
  });

  it('creates a client and shows its secret once, with a Copy button', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'clients' });

    await user.click(await screen.findByRole('button', { name: 'New client' }));
    const form = await screen.findByRole('dialog', { name: 'New client' });
    expect(await axeViolations()).toEqual([]);
    // A confidential client without a redirect URI is refused before anything is sent.
    await user.click(within(form).getByRole('button', { name: 'Create client' }));
    expect(within(form).getByText('A confidential client needs at least one redirect URI.')).toBeTruthy();
    // Every bad line is reported at once, next to its line number, in the server's words.
    await user.type(within(form).getByLabelText(/Redirect URIs/), 'not a url{Enter}https://ok.example/cb{Enter}ftp://x.example/cb');
    const problems = within(form).getByRole('list', { name: 'Invalid redirect URIs' });
    expect(
      within(problems)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Line 1: "not a url" is not an absolute URL', 'Line 3: "ftp://x.example/cb" must use http or https']);
    expect(within(form).getByText('2 redirect URIs are invalid.')).toBeTruthy();
    expect(fake.calls.some((call) => call.name === 'clients.create')).toBe(false);

    await user.clear(within(form).getByLabelText(/Redirect URIs/));
    await user.type(within(form).getByLabelText(/Redirect URIs/), 'https://shop.example.com/callback');
    await user.type(within(form).getByLabelText(/^Name/), 'Shop');
    await user.type(within(form).getByLabelText(/Client ID/), 'shop');
    await user.click(within(form).getByRole('button', { name: 'Create client' }));

    const shown = await screen.findByRole('dialog', { name: 'Client “Shop” created' });
    expect(within(shown).getByText('Copy the secret now: this is the only time it is shown.')).toBeTruthy();
    expect(within(shown).getByTestId('client-secret').textContent).toBe('c2VjcmV0LXNob3duLW9uY2U');
    expect(await axeViolations()).toEqual([]);
    await user.click(within(shown).getByRole('button', { name: 'Copy secret' }));
    expect(writeText).toHaveBeenCalledWith('c2VjcmV0LXNob3duLW9uY2U');
    expect(await within(shown).findByText('Copied to the clipboard')).toBeTruthy();
    expect(fake.calls.find((call) => call.name === 'clients.create')?.args[0]).toMatchObject({
      id: 'shop',
      name: 'Shop',
      redirectUris: ['https://shop.example.com/callback'],
      public: false,
      admin: false,
    });

    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.queryByText('c2VjcmV0LXNob3duLW9uY2U')).toBeNull();
    expect(await screen.findByText('shop')).toBeTruthy();
  });

  it('deletes a client only after a confirmation that names it', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'clients' });

    await user.click(await screen.findByRole('button', { name: 'Delete Billing' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete client' });
    expect(dialog.textContent).toContain('Delete the client Billing (billing-app)?');
    expect(await axeViolations()).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls.some((call) => call.name === 'clients.remove')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Delete Billing' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete client' })).getByRole('button', { name: 'Delete client' }));
    await waitFor(() => expect(screen.queryByText('billing-app')).toBeNull());
    expect(fake.calls.find((call) => call.name === 'clients.remove')?.args).toEqual(['billing-app']);
    expect(await screen.findByText('Client deleted')).toBeTruthy();
  });

  it('edits a client and rotates its secret, showing the new one once', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'clients' });

    await user.click(await screen.findByRole('button', { name: 'Edit Billing' }));
    const form = await screen.findByRole('dialog', { name: 'Edit Billing' });
    const name = within(form).getByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, 'Billing v2');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Billing v2')).toBeTruthy();
    expect(fake.calls.find((call) => call.name === 'clients.update')?.args).toEqual([
      'billing-app',
      expect.objectContaining({ name: 'Billing v2', redirectUris: ['https://billing.example.com/callback'] }),
    ]);

    await user.click(screen.getByRole('button', { name: 'Rotate secret of Billing v2' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Rotate client secret' })).getByRole('button', { name: 'Rotate secret' }),
    );
    const shown = await screen.findByRole('dialog', { name: 'New secret for “Billing v2”' });
    expect(within(shown).getByTestId('client-secret').textContent).toBe('bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbg');
  });
});
