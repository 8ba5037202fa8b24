import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord } from './fake-bridge.ts';
import { axeViolations, renderConsole } from './render-console.tsx';

describe('sign-in (web)', () => {
  it('asks for the admin secret, refuses a wrong one with a clear message, and opens the console with the right one', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord();
    renderConsole(fake.bridge);

    const secret = await screen.findByLabelText(/Admin API secret/);
    expect(await axeViolations()).toEqual([]);
    // Sign-in through dex is a navigation to the overlord, which sends the browser to dex and back.
    expect(screen.getByRole('link', { name: 'Sign in with dex' }).getAttribute('href')).toBe('/console/sign-in');
    await user.type(secret, 'not-the-secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The overlord refused the admin secret');
    expect(alert.textContent).toContain('refused the admin secret');
    expect(screen.queryByRole('navigation', { name: 'Sections' })).toBeNull();

    await user.clear(secret);
    await user.type(secret, fake.secret);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Sections' })).toBeTruthy();
  });

  it('shows why the console cannot start when the overlord is unreachable, and signs in once it answers', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    let isDown = true;
    const current = fake.bridge.connection.current;
    fake.bridge.connection.current = () =>
      isDown
        ? Promise.resolve({
            ok: false,
            error: { code: 'INTERNAL', message: 'cannot reach the admin API at https://dex.example.com: Failed to fetch' },
          })
        : current();
    renderConsole(fake.bridge);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The overlord cannot be reached');
    expect(alert.textContent).toContain('Failed to fetch');
    isDown = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
  });

  it('signs out: the secret is forgotten and the sign-in form is back', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText(/Admin API secret/)).toBeTruthy();
    expect(fake.connection).toBeNull();
  });
});

describe('sign-in (desktop)', () => {
  it('adds a saved connection, connects with it, and removes one after confirming', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ kind: 'desktop', profiles: [{ id: 'staging', name: 'Staging', baseUrl: 'http://10.0.0.2:5557' }] });
    renderConsole(fake.bridge);

    expect(await screen.findByText('Staging')).toBeTruthy();
    expect(await axeViolations()).toEqual([]);
    await user.type(screen.getByLabelText(/^Name/), 'Production');
    await user.type(screen.getByLabelText(/Admin API URL/), 'https://dex-admin.example.com');
    await user.type(screen.getByLabelText(/Admin API secret/), 'prod-secret');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    await waitFor(() => expect(fake.calls.some((call) => call.name === 'profiles.save')).toBe(true));
    expect(fake.calls.find((call) => call.name === 'profiles.save')?.args[0]).toEqual({
      name: 'Production',
      baseUrl: 'https://dex-admin.example.com',
      secret: 'prod-secret',
    });
    expect(await screen.findByText('Production')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Remove Staging' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove connection' });
    expect(dialog.textContent).toContain('Staging');
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByText('Staging')).toBeNull());

    await user.click(screen.getByRole('button', { name: 'Connect to Production with the admin secret' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    expect(screen.getByText('Production')).toBeTruthy();
  });

  it('saves a connection without a secret and signs in with dex through the main process', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ kind: 'desktop', profiles: [{ id: 'bob', name: 'Not an admin', baseUrl: 'http://10.0.0.3:5557' }] });
    renderConsole(fake.bridge);

    await user.type(await screen.findByLabelText(/^Name/), 'Production');
    await user.type(screen.getByLabelText(/Admin API URL/), 'https://dex-admin.example.com');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    await waitFor(() =>
      expect(fake.calls.find((call) => call.name === 'profiles.save')?.args[0]).toEqual({
        name: 'Production',
        baseUrl: 'https://dex-admin.example.com',
      }),
    );

    // The overlord refuses a user who is not an admin: the screen says so and stays.
    await user.click(await screen.findByRole('button', { name: 'Sign in with dex to Not an admin' }));
    expect(await screen.findByText(/bob@example\.com is not an admin of this dex/)).toBeTruthy();

    await user.click(await screen.findByRole('button', { name: 'Sign in with dex to Production' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    expect(fake.calls.filter((call) => call.name === 'signIn.withDex').map((call) => call.args[0])).toEqual([
      { profileId: 'bob' },
      { profileId: 'profile-2' },
    ]);
    // No secret was ever asked for or sent.
    expect(fake.calls.some((call) => call.name === 'connection.connect')).toBe(false);
  });

  it('lets the admin give up a sign-in with dex that waits for the browser', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ kind: 'desktop', profiles: [{ id: 'slow', name: 'Slow browser', baseUrl: 'http://10.0.0.4:5557' }] });
    renderConsole(fake.bridge);
    await user.click(await screen.findByRole('button', { name: 'Sign in with dex to Slow browser' }));
    expect((await screen.findByRole('status')).textContent).toContain('in the browser window that opened');
    expect(screen.getByRole('button', { name: 'Sign in with dex to Slow browser' })).toHaveProperty('disabled', true);
    await user.click(screen.getByRole('button', { name: 'Cancel sign-in' }));
    expect(await screen.findByText(/the sign-in was cancelled/)).toBeTruthy();
    expect(fake.calls.map((call) => call.name)).toContain('signIn.cancel');
    expect(screen.getByRole('button', { name: 'Sign in with dex to Slow browser' })).toHaveProperty('disabled', false);
  });
});
