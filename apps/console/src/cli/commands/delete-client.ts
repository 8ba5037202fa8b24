import type { DexctlCommand } from '../command.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl delete-client ID`: removes a client with its refresh tokens. */
export const deleteClientCommand: DexctlCommand = {
  name: 'delete-client',
  synopsis: 'CLIENT_ID',
  arity: { min: 1, max: 1 },
  summary: 'Delete a client.',
  description:
    'Deletes the client CLIENT_ID with its redirect URLs, its refresh tokens and the trust\n' +
    'other clients placed in it. Tokens it holds stop working.\n' +
    'With --json: {"id": "...", "deleted": true}.',
  run: (context) => {
    const id = context.args[0] ?? '';
    return runOperation(context, {
      failure: `Unable to delete client ${JSON.stringify(id)}`,
      run: (driver) => driver.deleteClient(id),
      json: () => ({ id, deleted: true }),
      text: () => `Deleted client ${id}\n`,
    });
  },
};
