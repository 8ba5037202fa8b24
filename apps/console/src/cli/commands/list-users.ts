import type { TUser, TUserList } from '@dex/shared/admin-api';
import type { DexctlCommand } from '../command.ts';
import { cell, formatTable, list, yesNo } from '../output.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl list-users`: every user, one per line. */
export const listUsersCommand: DexctlCommand = {
  name: 'list-users',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'List the users.',
  description:
    'Prints every user ordered by email, with whether the email is verified, whether the\n' +
    'user is an admin or disabled, and the connectors the user has an identity at.\n' +
    'With --json: {"items": [<user>...], "total": N, "nextCursor": null}.',
  run: (context) =>
    runOperation<TUser[]>(context, {
      failure: 'Unable to list users',
      run: (driver) => driver.listUsers(),
      json: (users): TUserList => ({ items: users, total: users.length, nextCursor: null }),
      text: formatUsers,
    }),
};

function formatUsers(users: readonly TUser[]): string {
  if (users.length === 0) return 'No users.\n';
  return formatTable(
    ['ID', 'EMAIL', 'NAME', 'VERIFIED', 'ADMIN', 'DISABLED', 'CONNECTORS'],
    users.map((user) => [
      cell(user.id),
      cell(user.email),
      cell(user.displayName),
      yesNo(user.emailVerified),
      yesNo(user.admin),
      yesNo(user.disabled),
      list(user.connectors),
    ]),
  );
}
