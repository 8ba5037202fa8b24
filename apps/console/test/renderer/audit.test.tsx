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

    await user.type(screen.getByLabelText('Action'), 'client.create');
    await user.selectOptions(screen.getByLabelText('Target type'), 'client');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('Showing 1–1')).toBeTruthy();
    expect(fake.calls.filter((call) => call.name === 'audit.list').at(-1)?.args[0]).toEqual({
      limit: 50,
      action: 'client.create',
      targetType: 'client',
    });

    await user.clear(screen.getByLabelText('Action'));
    await user.type(screen.getByLabelText('Action'), 'user.create');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('No event matches these filters')).toBeTruthy();
  });
});
