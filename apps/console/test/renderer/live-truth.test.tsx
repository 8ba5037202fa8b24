import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord, makeProcess } from './fake-bridge.ts';
import { axeViolations, renderConsole } from './render-console.tsx';

const unreachable = () =>
  Promise.resolve({
    ok: false as const,
    error: { code: 'INTERNAL' as const, message: 'cannot reach the admin API at https://dex.example.com (connect ECONNREFUSED)' },
  });

describe('live truth: the processes and the overlord connection', () => {
  it('shows every worker and overlord with its state and the key it signs with', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    fake.processes.push(
      makeProcess({
        id: 'worker-c',
        address: 'http://10.0.0.3:5556/dex',
        state: 'degraded',
        connectors: { local: 'ok', corp: 'connect ECONNREFUSED 10.0.0.50:389' },
      }),
      makeProcess({ id: 'worker-d', address: 'http://10.0.0.4:5556/dex', state: 'silent', silentForSeconds: 95 }),
    );
    renderConsole(fake.bridge);

    const card = await screen.findByRole('article', { name: 'Processes' });
    const rows = within(card).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      'Worker http://10.0.0.1:5556/dexHealthykid-active1 answering0.1.0',
      'Worker http://10.0.0.2:5556/dexHealthykid-active1 answering0.1.0',
      'Overlord http://10.0.0.1:5557Healthy——0.1.0',
      'Worker http://10.0.0.3:5556/dexDegradedkid-activecorp: connect ECONNREFUSED 10.0.0.50:3890.1.0',
      'Worker http://10.0.0.4:5556/dexSilent for 1 min 35 skid-active1 answering0.1.0',
    ]);
    expect(within(card).queryByRole('alert')).toBeNull();
    expect(await axeViolations()).toEqual([]);
  });

  it('raises workers that sign with different keys', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    fake.processes.push(makeProcess({ id: 'worker-x', address: 'http://10.0.0.9:5556/dex', signingKeyId: 'kid-other' }));
    renderConsole(fake.bridge);
    const card = await screen.findByRole('article', { name: 'Processes' });
    expect(within(card).getByRole('alert').textContent).toContain(
      'Workers disagree on the signing key: they sign with kid-active, kid-other',
    );
  });

  it('says at once that the overlord cannot be reached, marks the data stale, and recovers every screen without a click', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    const health = fake.bridge.overview.health;
    const usersList = fake.bridge.users.list;
    renderConsole(fake.bridge, { route: 'clients' });
    expect(await screen.findByRole('cell', { name: 'billing-app' })).toBeTruthy();

    // The overlord stops: the next poll fails, and a screen opened now fails to load.
    fake.bridge.overview.health = unreachable;
    fake.bridge.users.list = unreachable;
    const banner = await screen.findByText(/cannot be reached \(since/, {}, { timeout: 5_000 });
    expect(banner.closest('[role="alert"]')?.textContent).toContain('What you see was loaded');
    expect(screen.getByText(/^Not up to date: loaded \d+ s ago$/)).toBeTruthy();
    window.location.hash = '#/users';
    await screen.findByRole('button', { name: 'Try again' }, { timeout: 5_000 });

    // It comes back: the banner goes and the failed screen shows its data, nobody clicked.
    fake.bridge.overview.health = health;
    fake.bridge.users.list = usersList;
    expect(await screen.findByRole('cell', { name: /^ann@example\.com/ }, { timeout: 5_000 })).toBeTruthy();
    expect(screen.queryByText(/cannot be reached \(since/)).toBeNull();
    expect(screen.queryByText(/Not up to date/)).toBeNull();
  }, 20_000);
});
