import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeOverlord, makeUser } from './fake-bridge.ts';
import { axeViolations, renderConsole } from './render-console.tsx';

describe('users screen', () => {
  it('lists users and passes the accessibility check', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'users' });
    const table = await screen.findByRole('table');
    expect(within(table).getByText('ann@example.com')).toBeTruthy();
    expect(within(table).getByText('Admin')).toBeTruthy();
    expect(await axeViolations()).toEqual([]);
  });

  it('creates a user with a password set now', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'users' });
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const form = await screen.findByRole('dialog', { name: 'New user' });
    expect(await axeViolations()).toEqual([]);
    await user.type(within(form).getByLabelText(/^Email \(required\)/), 'carol@example.com');
    await user.click(within(form).getByRole('radio', { name: 'Set a password now' }));
    await user.type(within(form).getByLabelText(/^Password/), 'a long enough password');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('carol@example.com')).toBeTruthy();
    expect(fake.calls.find((call) => call.name === 'users.create')?.args[0]).toEqual({
      email: 'carol@example.com',
      password: 'a long enough password',
      emailVerified: false,
      admin: false,
    });
  });

  it('creates and invites a user in one step, and says the email was sent', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'users' });
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const form = await screen.findByRole('dialog', { name: 'New user' });
    // Inviting is the default: no password to make up, and no "email verified" (the invitation verifies it).
    expect(within(form).getByRole('radio', { name: 'Send an invitation email' })).toHaveProperty('checked', true);
    expect(within(form).queryByLabelText(/^Password/)).toBeNull();
    expect(within(form).queryByRole('checkbox', { name: 'Email verified' })).toBeNull();
    await user.type(within(form).getByLabelText(/^Email \(required\)/), 'dave@example.com');
    await user.click(within(form).getByRole('button', { name: 'Create and invite' }));

    expect(await screen.findByText('User created; an invitation email was sent to dave@example.com')).toBeTruthy();
    expect(fake.calls.filter((call) => call.name === 'users.create').map((call) => call.args[0])).toEqual([
      { email: 'dave@example.com', sendInvitation: true, emailVerified: false, admin: false },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('without an emailer, shows the invitation link to pass on', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.hasEmailer = false;
    renderConsole(fake.bridge, { route: 'users' });
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const form = await screen.findByRole('dialog', { name: 'New user' });
    await user.type(within(form).getByLabelText(/^Email \(required\)/), 'erin@example.com');
    await user.click(within(form).getByRole('button', { name: 'Create and invite' }));

    const shown = await screen.findByRole('dialog', { name: 'Invitation link' });
    expect(within(shown).getByRole('textbox', { name: 'Link' })).toHaveProperty(
      'value',
      expect.stringContaining('/accept-invitation?token='),
    );
    expect(shown.textContent).toContain('give this link to erin@example.com yourself');
  });

  it('when the overlord cannot send user emails (501), keeps the form and offers the password instead', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    fake.bridge.users.create = () =>
      Promise.resolve({
        ok: false,
        error: { code: 'NOT_IMPLEMENTED', message: "sending user emails needs the overlord's --issuer (the workers' issuer URL)" },
      });
    renderConsole(fake.bridge, { route: 'users' });
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const form = await screen.findByRole('dialog', { name: 'New user' });
    await user.type(within(form).getByLabelText(/^Email \(required\)/), 'fred@example.com');
    await user.click(within(form).getByRole('button', { name: 'Create and invite' }));

    expect(await within(form).findByText(/sending user emails needs the overlord's --issuer/)).toBeTruthy();
    expect(within(form).getByRole('radio', { name: 'Send an invitation email' })).toHaveProperty('disabled', true);
    expect(within(form).getByRole('radio', { name: 'Set a password now' })).toHaveProperty('checked', true);
    expect(within(form).getByLabelText(/^Password/)).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Create user' })).toBeTruthy();
  });

  it('disables after confirming, enables, makes admin and revokes sessions', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'users' });

    await user.click(await screen.findByRole('button', { name: 'Disable ann@example.com' }));
    const disable = await screen.findByRole('dialog', { name: 'Disable user' });
    expect(disable.textContent).toContain('ann@example.com');
    await user.click(within(disable).getByRole('button', { name: 'Disable user' }));
    await user.click(await screen.findByRole('button', { name: 'Enable ann@example.com' }));
    expect(await screen.findByRole('button', { name: 'Disable ann@example.com' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Make admin ann@example.com' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Make administrator' })).getByRole('button', { name: 'Make admin' }));
    expect(await screen.findByRole('button', { name: 'Remove admin from ann@example.com' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Revoke sessions of ann@example.com' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Revoke sessions' })).getByRole('button', { name: 'Revoke sessions' }),
    );
    expect(await screen.findByText('ann@example.com: 2 refresh token(s) revoked, 1 session(s) ended')).toBeTruthy();
    await waitFor(() =>
      expect(fake.calls.map((call) => call.name)).toEqual(
        expect.arrayContaining(['users.disable', 'users.enable', 'users.update', 'users.revokeTokens']),
      ),
    );
    expect(fake.calls.find((call) => call.name === 'users.update')?.args).toEqual(['user-1', { admin: true }]);
  });

  it('sends a password reset by email, and shows the invitation link when the overlord has no emailer', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    const invitee = makeUser({ id: 'u-dora', email: 'dora@example.com', emailVerified: false, admin: false });
    fake.users.push(invitee);
    renderConsole(fake.bridge, { route: 'users' });

    await user.click(await screen.findByRole('button', { name: `Send password reset to ${invitee.email}` }));
    const ask = await screen.findByRole('dialog', { name: 'Send password reset' });
    expect(ask.textContent).toContain(invitee.email);
    await user.click(within(ask).getByRole('button', { name: 'Send password reset' }));
    expect(await screen.findByText(`Password reset link sent to ${invitee.email}`)).toBeTruthy();

    fake.hasEmailer = false;
    await user.click(screen.getByRole('button', { name: `Send invitation to ${invitee.email}` }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Send invitation' })).getByRole('button', { name: 'Send invitation' }),
    );
    const shown = await screen.findByRole('dialog', { name: 'Invitation link' });
    expect((within(shown).getByLabelText('Link') as HTMLInputElement).value).toBe(
      `http://127.0.0.1:5556/dex/accept-invitation?token=for-${invitee.id}`,
    );
    expect(await axeViolations()).toEqual([]);
    expect(fake.calls.map((call) => call.name)).toEqual(expect.arrayContaining(['users.sendPasswordReset', 'users.sendInvitation']));
  });

  it('shows admin, verified and disabled badges', async () => {
    const fake = createFakeOverlord({ signedIn: true });
    fake.users.push(makeUser({ id: 'user-3', email: 'dan@example.com', emailVerified: false, disabled: true }));
    renderConsole(fake.bridge, { route: 'users' });
    const table = await screen.findByRole('table');
    const row = (email: string) => within(within(table).getByText(email).closest('tr') as HTMLElement);
    expect(row('bob@example.com').getByText('Admin')).toBeTruthy();
    expect(row('ann@example.com').getByText('verified')).toBeTruthy();
    expect(row('dan@example.com').getByText('unverified')).toBeTruthy();
    expect(row('dan@example.com').getByText('Disabled')).toBeTruthy();
  });

  it('edits name, email and the verified flag, sending only what changed; a new email starts unverified', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'users' });
    await user.click(await screen.findByRole('button', { name: 'Edit ann@example.com' }));
    const form = await screen.findByRole('dialog', { name: 'Edit ann@example.com' });
    expect(await axeViolations()).toEqual([]);
    const verified = within(form).getByLabelText('Email verified') as HTMLInputElement;
    expect(verified.checked).toBe(true);
    const email = within(form).getByLabelText(/^Email \(required\)/);
    await user.clear(email);
    await user.type(email, 'ann.new@example.com');
    expect(verified.checked).toBe(false);
    await user.clear(within(form).getByLabelText('Display name'));
    await user.type(within(form).getByLabelText('Display name'), 'Ann New');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('ann.new@example.com')).toBeTruthy();
    expect(fake.calls.find((call) => call.name === 'users.update')?.args).toEqual([
      'user-1',
      { email: 'ann.new@example.com', displayName: 'Ann New', emailVerified: false },
    ]);
  });

  it('deletes a user only after confirming', async () => {
    const user = userEvent.setup();
    const fake = createFakeOverlord({ signedIn: true });
    renderConsole(fake.bridge, { route: 'users' });
    await user.click(await screen.findByRole('button', { name: 'Delete bob@example.com' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete user' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls.some((call) => call.name === 'users.remove')).toBe(false);
    await user.click(await screen.findByRole('button', { name: 'Delete bob@example.com' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete user' })).getByRole('button', { name: 'Delete user' }));
    await waitFor(() => expect(screen.queryByText('bob@example.com')).toBeNull());
    expect(fake.calls.find((call) => call.name === 'users.remove')?.args).toEqual(['user-2']);
  });
});
