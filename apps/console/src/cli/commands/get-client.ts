import type { TClient } from '@dex/shared/admin-api';
import type { DexctlCommand } from '../command.ts';
import { cell, formatFields, yesNo } from '../output.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl get-client ID`: one client's settings. */
export const getClientCommand: DexctlCommand = {
  name: 'get-client',
  synopsis: 'CLIENT_ID',
  arity: { min: 1, max: 1 },
  summary: 'Show one client.',
  description: 'Prints the settings of the client CLIENT_ID (never its secret).\nWith --json: the client object of the admin API.',
  run: (context) => {
    const id = context.args[0] ?? '';
    return runOperation(context, {
      failure: `Unable to get client ${JSON.stringify(id)}`,
      run: (driver) => driver.getClient(id),
      json: (client) => client,
      text: formatClient,
    });
  },
};

function formatClient(client: TClient): string {
  return formatFields([
    ['ID', cell(client.id)],
    ['Name', cell(client.name)],
    ['Type', client.public ? 'public' : 'confidential'],
    ['Admin', yesNo(client.admin)],
    ['Skips approval', yesNo(client.trusted)],
    ['Registered', client.registered ? 'dynamically (RFC 7591)' : 'by an admin'],
    ['Redirect URLs', client.redirectUris],
    ['Trusted peers', client.trustedPeers],
    ['Logo URI', cell(client.logoUri)],
    ['Client URI', cell(client.clientUri)],
    ['Created', client.createdAt],
    ['Updated', client.updatedAt],
  ]);
}
