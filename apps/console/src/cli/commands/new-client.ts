import { createClient, redirectUriProblem } from '@dex/shared/domain/clients';
import type { DexctlCommand } from '../command.ts';
import { describeError } from '../describe-error.ts';
import { shellQuote } from '../shell-quote.ts';

/**
 * `dexctl new-client REDIRECT_URL...`: registers a client with generated credentials and
 * prints them as shell assignments, so `eval "$(dexctl new-client URL)"` sets them.
 */
export const newClientCommand: DexctlCommand = {
  name: 'new-client',
  synopsis: 'REDIRECT_URL...',
  arity: { min: 1, max: Number.POSITIVE_INFINITY },
  summary: 'Create a new client with one or more redirect URLs.',
  description:
    'Creates a client with a generated ID and secret and prints them as shell variables\n' +
    '(DEX_APP_CLIENT_ID, DEX_APP_CLIENT_SECRET, DEX_APP_REDIRECTURL_<n>), for example:\n' +
    '  eval "$(dexctl --db-url=$DEX_DB_URL new-client http://127.0.0.1:5555/callback)"',
  async run({ args, io, withDatabase }) {
    const fail = (error: unknown): number => {
      io.stderr.write(`Failed creating new client: ${describeError(error).message}\n`);
      return 1;
    };
    for (const uri of args) {
      const problem = redirectUriProblem(uri);
      if (problem !== undefined) return fail(new Error(`invalid redirect URI: ${problem}`));
    }
    return withDatabase(async (db) => {
      let created: Awaited<ReturnType<typeof createClient>>;
      try {
        created = await createClient(db.prisma, { redirectUris: args });
      } catch (error) {
        return fail(error);
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
