import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord } from './fake-bridge.ts';
import { axeViolations, renderConsole } from './render-console.tsx';

describe('audit log screen', () => {
  it('lists events and filters them by action and target', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.audit.unshift({
      id: 'a2',
      at: '2026-01-10T13:00:00.000Z',
      actor: 'admin-api',
      action: 'keys.rotate',
      targetType: 'signing_key',
      targetId: 'kid-2',
      before: null,
      after: null,
    });
    renderConsole(fake.bridge, { route: 'audit' });

    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(await axeViolations()).toEqual([]);

    // The action filter offers the known actions only.
    const actions = within(screen.getByLabelText('Action'))
      .getAllByRole('option')
      .map((option) => option.textContent);
    expect(actions).toContain('client.rotate_secret');
    expect(actions).toContain('keys.rotate');
    await user.selectOptions(screen.getByLabelText('Action'), 'client.create');
    await user.selectOptions(screen.getByLabelText('Target type'), 'client');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('Showing 1–1')).toBeTruthy();
    expect(fake.calls.filter((call) => call.name === 'audit.list').at(-1)?.args[0]).toEqual({
      limit: 50,
      action: 'client.create',
      targetType: 'client',
    });

    await user.selectOptions(screen.getByLabelText('Action'), 'user.create');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('No event matches these filters')).toBeTruthy();
  });

  it('shows a change as a field-by-field diff with the changed fields marked and secrets hidden', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.audit.unshift({
      id: 'a3',
      at: '2026-01-10T14:00:00.000Z',
      actor: 'jane@example.com',
      action: 'connector.update',
      targetType: 'connector',
      targetId: 'corp',
      before: { id: 'corp', config: { host: 'ldap:389', bindPW: 'old-pw', clientSecret: 'old-secret' } },
      after: { id: 'corp', config: { host: 'ldap:636', bindPW: 'old-pw', clientSecret: 'new-secret' } },
    });
    renderConsole(fake.bridge, { route: 'audit' });
    await user.click(await screen.findByRole('button', { name: 'Show change of connector corp' }));
    const diff = screen.getByRole('table', { name: 'Change of connector corp' });
    const changed = within(diff)
      .getAllByRole('row')
      .filter((row) => row.className === 'diff-changed')
      .map((row) => within(row).getByRole('rowheader').textContent);
    expect(changed).toEqual(['config.host (changed)', 'config.clientSecret (changed)']);
    expect(diff.textContent).not.toMatch(/old-secret|new-secret/);
    expect(await axeViolations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Hide change of connector corp' }));
    expect(screen.queryByRole('table', { name: 'Change of connector corp' })).toBeNull();
  });
});
