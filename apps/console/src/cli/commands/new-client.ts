import type { TCreatedClient } from '@dex/shared/admin-api';
import { redirectUriProblem } from '@dex/shared/domain/clients';
import { CommandUsageError, type DexctlCommand } from '../command.ts';
import { writeJson } from '../output.ts';
import { reportFailure } from '../run-operation.ts';
import { shellQuote } from '../shell-quote.ts';

const FAILURE = 'Failed creating new client';

/**
 * `dexctl new-client REDIRECT_URL...`: registers a client with generated credentials and
 * prints them as shell assignments, so `eval "$(dexctl new-client URL)"` sets them.
 */
export const newClientCommand: DexctlCommand = {
  name: 'new-client',
  synopsis: 'REDIRECT_URL...',
  // A public client may have none; the others need one (checked in run).
  arity: { min: 0, max: Number.POSITIVE_INFINITY },
  summary: 'Create a new client with one or more redirect URLs.',
  description:
    'Creates a client with a generated ID and secret and prints them as shell variables\n' +
    '(DEX_APP_CLIENT_ID, DEX_APP_CLIENT_SECRET, DEX_APP_REDIRECTURL_<n>), for example:\n' +
    '  eval "$(dexctl --db-url=$DEX_DB_URL new-client http://127.0.0.1:5555/callback)"\n' +
    'The ID ends in "@" and the host of the first URL. The secret is shown only here.\n' +
    'With --json: {"client": {...}, "secret": "..."}.',
  flags: [
    { name: 'name', placeholder: 'NAME', description: 'Name shown to users (required for a public client).' },
    { name: 'admin', boolean: true, description: 'An admin client: its tokens may call the worker admin endpoints (dex_admin).' },
    {
      name: 'public',
      boolean: true,
      description: 'A public (native or CLI) client: needs --name, may have no redirect URL (loopback and OOB redirects are allowed).',
    },
    {
      name: 'trusted',
      boolean: true,
      description: 'Trusted by the admin: its logins skip the approval screen (without it, users approve it once per scope set).',
    },
    {
      name: 'trusted-peer',
      repeatable: true,
      placeholder: 'CLIENT_ID',
      description: 'A client allowed to request ID tokens with this client in the audience (cross-client scopes).',
    },
  ],
  async run({ args, flags, io, options, withDriver }) {
    const isPublic = flags.isSet('public');
    if (args.length === 0 && !isPublic) {
      throw new CommandUsageError('needs at least 1 argument, got 0 (only a --public client may have no redirect URL)');
    }
    for (const uri of args) {
      const problem = redirectUriProblem(uri);
      if (problem !== undefined) return reportFailure(io, FAILURE, new Error(`invalid redirect URI: ${problem}`));
    }
    const name = flags.value('name');
    const trustedPeers = flags.values('trusted-peer');
    return withDriver(async (driver) => {
      let created: TCreatedClient;
      try {
        created = await driver.createClient({
          redirectUris: [...args],
          ...(name === undefined ? {} : { name }),
          ...(flags.isSet('admin') ? { admin: true } : {}),
          ...(isPublic ? { public: true } : {}),
          ...(flags.isSet('trusted') ? { trusted: true } : {}),
          ...(trustedPeers.length === 0 ? {} : { trustedPeers: [...trustedPeers] }),
        });
      } catch (error) {
        return reportFailure(io, FAILURE, error);
      }
      if (options.isJson) {
        writeJson(io, created);
        return 0;
      }
      const lines = [
        '# Added new client:',
        `DEX_APP_CLIENT_ID=${shellQuote(created.client.id)}`,
        `DEX_APP_CLIENT_SECRET=${shellQuote(created.secret)}`,
        ...created.client.redirectUris.map((uri, index) => `DEX_APP_REDIRECTURL_${index}=${shellQuote(uri)}`),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    });
  },
};
