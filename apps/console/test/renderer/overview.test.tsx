import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord } from './fake-bridge.ts';
import { axeViolations, pending, renderConsole } from './render-console.tsx';

describe('overview screen', () => {
  it('shows health, database, the active key with its countdown, and the counts', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge);

    const overlord = await screen.findByRole('article', { name: 'Overlord' });
    expect(within(overlord).getByText('Healthy')).toBeTruthy();
    expect(within(overlord).getByText('SQLite')).toBeTruthy();
    const key = screen.getByRole('article', { name: 'Signing key' });
    expect(within(key).getByText('kid-active')).toBeTruthy();
    expect(within(key).getByRole('timer').textContent).toMatch(/^in /);
    const counts = screen.getByRole('article', { name: 'Configured' });
    expect(within(counts).getByText('Clients').closest('div')?.textContent).toBe('Clients2');
    expect(within(counts).getByText('Users').closest('div')?.textContent).toBe('Users2');
    expect(within(counts).getByText('Connectors').closest('div')?.textContent).toBe('Connectors1');
    expect(await axeViolations()).toEqual([]);
  });

  it('shows a loading state first', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    fake.bridge.overview.health = () => pending();
    renderConsole(fake.bridge);
    expect(await screen.findByText('Loading the overview…')).toBeTruthy();
  });
});
