import type { TRotateKeysResult } from '@dex/shared/admin-api';
import type { DexctlCommand } from '../command.ts';
import { runOperation } from '../run-operation.ts';
import { formatKeys } from '../format-keys.ts';

/** `dexctl rotate-keys [--immediate]`: rotates the signing keys, publishing the new one first unless told otherwise. */
export const rotateKeysCommand: DexctlCommand = {
  name: 'rotate-keys',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'Rotate the signing keys now (a drill, a policy; --immediate for a leaked key).',
  description:
    'Publishes the next signing key in every JWKS first; it signs once it has been published for\n' +
    "the overlord's --key-publish-delay (at once for a successor the schedule published long\n" +
    'enough ago), and the active key signs until then. Tokens signed by the old key keep\n' +
    'verifying for one more key period. Rotating again before the new key signs changes nothing.\n' +
    'With --immediate (a leaked key), every stored key leaves the JWKS at once and a fresh key\n' +
    'signs at once: tokens signed before stop verifying. Workers follow within about a second.\n' +
    "With --db-url it needs --key-secrets (the overlord's).\n" +
    'With --json: {"mode", "kid", "publishedAt", "activatesAt", "previousKid", "previousRetiresAt",\n' +
    '"previousExpiresAt", "withdrawn", "publishDelaySeconds", "keys"}.',
  flags: [
    {
      name: 'immediate',
      boolean: true,
      description: 'A leaked key: withdraw every key from the JWKS and sign with a fresh one at once, without publishing it first.',
    },
  ],
  run: (context) =>
    runOperation(context, {
      failure: 'Unable to rotate signing keys',
      run: (driver) => driver.rotateKeys(context.flags.isSet('immediate') ? { mode: 'immediate' } : {}),
      json: (result) => result,
      text: (result) => `${describeRotation(result)}\n${formatKeys(result.keys)}`,
    }),
};

/** The rotation's timeline in a sentence or two. */
function describeRotation(result: TRotateKeysResult): string {
  if (result.mode === 'immediate') {
    const withdrawn =
      result.withdrawn.length === 0 ? '' : `Withdrew ${result.withdrawn.join(', ')} from the JWKS: tokens they signed no longer verify.\n`;
    return `Rotated the signing keys immediately: ${result.kid} signs from now on.\n${withdrawn}`;
  }
  const previous =
    result.previousKid === null
      ? ''
      : `${result.previousKid} signs until then and stays published until ${result.previousExpiresAt ?? 'it expires'}.\n`;
  return `Published ${result.kid} at ${result.publishedAt}; it signs from ${result.activatesAt} (publish delay ${result.publishDelaySeconds}s).\n${previous}`;
}
