import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord } from './fake-bridge.ts';
import { axeViolations, renderConsole } from './render-console.tsx';

const timelineKids = () =>
  within(screen.getByRole('list', { name: 'Key timeline' }))
    .getAllByRole('listitem')
    .map((item) => item.querySelector('code')?.textContent);

describe('keys screen', () => {
  it('shows the chain as a timeline (next, active, retired) with the countdown to the next rotation', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'keys' });

    await screen.findByRole('list', { name: 'Key timeline' });
    expect(timelineKids()).toEqual(['kid-next', 'kid-active', 'kid-retired']);
    expect(screen.getByTestId('active-kid').textContent).toBe('kid-active');
    expect(screen.getByRole('timer').textContent).toMatch(/^in (5 h 59 min|6 h)/);
    expect(screen.getByText('1 d')).toBeTruthy();
    expect(await axeViolations()).toEqual([]);
  });

  it('rotates now after a confirmation, and the timeline moves on', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'keys' });

    await user.click(await screen.findByRole('button', { name: 'Rotate now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate signing keys' });
    expect(dialog.textContent).toContain('kid-active');
    expect(await axeViolations()).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Rotate now' }));

    await waitFor(() => expect(screen.getByTestId('active-kid').textContent).toBe('kid-next'));
    expect(timelineKids()).toEqual(['kid-newest', 'kid-next', 'kid-active', 'kid-retired']);
    expect(fake.calls.filter((call) => call.name === 'keys.rotate')).toHaveLength(1);
    expect(await screen.findByText('Keys rotated: the new key signs from now on')).toBeTruthy();
  });

  it('keeps the timeline on screen when a background refresh fails, and says so', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    const { queryClient } = renderConsole(fake.bridge, { route: 'keys' });
    await screen.findByRole('list', { name: 'Key timeline' });

    fake.bridge.keys.list = () =>
      Promise.resolve({
        ok: false,
        error: { code: 'INTERNAL', message: 'cannot reach the admin API at https://dex.example.com: Failed to fetch' },
      });
    await queryClient.refetchQueries({ queryKey: ['keys'] });
    expect(
      await screen.findByText('Refreshing failed: cannot reach the admin API at https://dex.example.com: Failed to fetch'),
    ).toBeTruthy();
    expect(timelineKids()).toEqual(['kid-next', 'kid-active', 'kid-retired']);
  });
});
