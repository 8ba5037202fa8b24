import type { TClient, TClientList } from '@dex/shared/admin-api';
import type { DexctlCommand } from '../command.ts';
import { cell, formatTable, list, yesNo } from '../output.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl list-clients`: every client, one per line. */
export const listClientsCommand: DexctlCommand = {
  name: 'list-clients',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'List the clients.',
  description:
    'Prints every client ordered by ID: its name, whether it is public or an admin client,\n' +
    'and its redirect URLs. Secrets are never shown.\n' +
    'With --json: {"items": [<client>...], "total": N, "nextCursor": null}.',
  run: (context) =>
    runOperation<TClient[]>(context, {
      failure: 'Unable to list clients',
      run: (driver) => driver.listClients(),
      json: (clients): TClientList => ({ items: clients, total: clients.length, nextCursor: null }),
      text: formatClients,
    }),
};

function formatClients(clients: readonly TClient[]): string {
  if (clients.length === 0) return 'No clients.\n';
  return formatTable(
    ['ID', 'NAME', 'TYPE', 'ADMIN', 'REDIRECT URLS'],
    clients.map((client) => [
      cell(client.id),
      cell(client.name),
      client.public ? 'public' : 'confidential',
      yesNo(client.admin),
      list(client.redirectUris),
    ]),
  );
}
