import type { DexctlCommand } from '../command.ts';
import { formatFields, yesNo } from '../output.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl state`: the installation at a glance (`GET /api/v1/state`). */
export const stateCommand: DexctlCommand = {
  name: 'state',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'Show whether an admin user exists, and how many clients, users and connectors.',
  description:
    "Prints dex v0's AdminUserCreated and the number of clients, users and connector configs,\n" +
    'the database provider and the dex version of the side answering (the overlord with\n' +
    '--admin-url, dexctl with --db-url).\n' +
    'With --json: {"AdminUserCreated": true, "clients": N, ...}.',
  run: (context) =>
    runOperation(context, {
      failure: 'Unable to get the state',
      run: (driver) => driver.getState(),
      json: (state) => state,
      text: (state) =>
        formatFields([
          ['Admin user created', yesNo(state.AdminUserCreated)],
          ['Clients', String(state.clients ?? '-')],
          ['Users', String(state.users ?? '-')],
          ['Connectors', String(state.connectors ?? '-')],
          ['Database', state.database ?? '-'],
          ['Version', state.version ?? '-'],
        ]),
    }),
};
