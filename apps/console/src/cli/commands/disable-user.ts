import type { DexctlCommand } from '../command.ts';
import { cell } from '../output.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl disable-user ID|EMAIL`: no more logins, and the user's tokens and sessions end. */
export const disableUserCommand: DexctlCommand = {
  name: 'disable-user',
  synopsis: 'USER_ID|EMAIL',
  arity: { min: 1, max: 1 },
  summary: 'Disable a user (by ID or email) and end their tokens and sessions.',
  description:
    'Disables the user with this ID, or with this email when the argument contains "@":\n' +
    'no more logins, refreshes or userinfo; the refresh tokens are revoked and the browser\n' +
    'sessions ended. Disabling a disabled user does it again.\n' +
    'With --json: the user object of the admin API.',
  run: (context) => {
    const target = context.args[0] ?? '';
    return runOperation(context, {
      failure: `Unable to disable user ${JSON.stringify(target)}`,
      run: async (driver) => driver.disableUser(target.includes('@') ? (await driver.findUserByEmail(target)).id : target),
      json: (user) => user,
      text: (user) => `Disabled user ${cell(user.email)} (${cell(user.id)})\n`,
    });
  },
};
