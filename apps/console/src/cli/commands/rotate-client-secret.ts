import type { DexctlCommand } from '../command.ts';
import { shellAssignments } from '../output.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl rotate-client-secret ID`: a new secret, printed for `eval`. */
export const rotateClientSecretCommand: DexctlCommand = {
  name: 'rotate-client-secret',
  synopsis: 'CLIENT_ID',
  arity: { min: 1, max: 1 },
  summary: 'Give a client a new secret (the old one stops working).',
  description:
    'Gives the client CLIENT_ID a new generated secret and prints it as shell variables\n' +
    '(DEX_APP_CLIENT_ID, DEX_APP_CLIENT_SECRET); the old secret stops working at once, the\n' +
    'refresh tokens of the client stay valid. The secret is shown only here:\n' +
    '  eval "$(dexctl rotate-client-secret "$DEX_APP_CLIENT_ID")"\n' +
    'With --json: {"secret": "..."}.',
  run: (context) => {
    const id = context.args[0] ?? '';
    return runOperation(context, {
      failure: `Unable to rotate the secret of client ${JSON.stringify(id)}`,
      run: (driver) => driver.rotateClientSecret(id),
      json: (result) => result,
      text: (result) =>
        shellAssignments('Rotated client secret:', [
          ['DEX_APP_CLIENT_ID', id],
          ['DEX_APP_CLIENT_SECRET', result.secret],
        ]),
    });
  },
};
