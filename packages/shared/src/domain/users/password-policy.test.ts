import { describe, expect, it } from 'vitest';
import { newPasswordProblem } from './password-policy.ts';

describe('the password policy of self-service', () => {
  it.each([
    ['hunter2', 'Choose a password of at least 8 characters.'],
    ['Password123', 'This password is too common. Choose another one.'],
    ['ann@example.com', 'Your password must not be your email address.'],
    ['x'.repeat(1025), 'Choose a password of at most 1024 characters.'],
  ])('refuses %s', (password, message) => {
    expect(newPasswordProblem(password, { email: 'ann@example.com' })).toBe(message);
  });

  it('accepts a passphrase', () => {
    expect(newPasswordProblem('correct horse battery', { email: 'ann@example.com' })).toBeNull();
  });
});
