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
    // Each key's exact windows.
    const windows = within(screen.getByLabelText('Windows of kid-active'));
    expect(windows.getByText('Published from')).toBeTruthy();
    expect(windows.getByText('Signs until').nextElementSibling?.textContent).toMatch(/\(in (5 h 59 min|6 h)\)$/);
    expect(windows.getByText('Published until').nextElementSibling?.textContent).toMatch(/\(in 1 d (5 h|6 h)/);
    // The next two rotations: kid-next takes over in 6 h, and is itself replaced a key period later.
    const schedule = within(screen.getByRole('list', { name: 'Scheduled rotations' })).getAllByRole('listitem');
    expect(schedule).toHaveLength(2);
    expect(schedule[0]?.textContent).toMatch(
      /\(in (5 h 59 min|6 h)\) — kid-active stops signing; kid-next signs from then \(published since /,
    );
    expect(schedule[1]?.textContent).toMatch(
      /\(in 1 d (5 h|6 h).*\) — kid-next stops signing; a new key signs from then \(to be published at /,
    );
    expect(await axeViolations()).toEqual([]);
  });

  it('rotates now after a confirmation, and the timeline moves on', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'keys' });

    await user.click(await screen.findByRole('button', { name: 'Rotate now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate signing keys' });
    expect(within(dialog).getByRole('radio', { name: 'Publish first (recommended)' })).toHaveProperty('checked', true);
    // kid-next was published an hour ago, longer than the 5 min publish delay: it signs at once.
    expect(within(dialog).getByTestId('rotation-plan').textContent).toMatch(
      /^The next key kid-next, published since .+, signs at once; the current key kid-active stops signing at once and stays published until .+ \(in 1 d\), so the tokens it signed keep verifying\.$/,
    );
    expect(await axeViolations()).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Rotate now' }));

    await waitFor(() => expect(screen.getByTestId('active-kid').textContent).toBe('kid-next'));
    expect(timelineKids()).toEqual(['kid-newest', 'kid-next', 'kid-active', 'kid-retired']);
    expect(fake.calls.filter((call) => call.name === 'keys.rotate').map((call) => call.args)).toEqual([[{ mode: 'publish-first' }]]);
    expect(
      await screen.findByText(
        /^Keys rotated\. The next key kid-next, published since .+, signs at once; the current key kid-active stops signing at once and stays published until .+ \(in (1 d|23 h 59 min)\), so the tokens it signed keep verifying\.$/,
      ),
    ).toBeTruthy();
  });

  it('rotates immediately for a leaked key only after the extra confirmation, and says the old tokens stop verifying', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'keys' });

    await user.click(await screen.findByRole('button', { name: 'Rotate now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate signing keys' });
    await user.click(within(dialog).getByRole('radio', { name: 'Immediate — the key leaked' }));
    expect(within(dialog).getByTestId('rotation-plan').textContent).toBe(
      'A new key is published and signs at once; kid-next, kid-active and kid-retired leave the JWKS at once, so every token they signed ' +
        'stops verifying (workers follow within about a second; relying parties that cached the JWKS may need to refetch it).',
    );
    const confirm = within(dialog).getByRole('button', { name: 'Rotate immediately' });
    expect(confirm).toHaveProperty('disabled', true);
    await user.click(
      within(dialog).getByRole('checkbox', { name: /^I understand: tokens signed by the withdrawn keys stop verifying at once/ }),
    );
    expect(await axeViolations()).toEqual([]);
    await user.click(confirm);

    await waitFor(() => expect(screen.getByTestId('active-kid').textContent).toBe('kid-fresh'));
    expect(timelineKids()).toEqual(['kid-fresh']);
    expect(fake.calls.filter((call) => call.name === 'keys.rotate').map((call) => call.args)).toEqual([[{ mode: 'immediate' }]]);
    expect(
      await screen.findByText(
        /^Keys rotated\. A new key kid-fresh is published and signs at once; kid-next, kid-active and kid-retired leave the JWKS at once/,
      ),
    ).toBeTruthy();
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
