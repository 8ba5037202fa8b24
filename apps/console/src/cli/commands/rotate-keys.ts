import type { DexctlCommand } from '../command.ts';
import { runOperation } from '../run-operation.ts';
import { formatKeys } from '../format-keys.ts';

/** `dexctl rotate-keys`: rotates the signing keys now. */
export const rotateKeysCommand: DexctlCommand = {
  name: 'rotate-keys',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'Rotate the signing keys now (a suspected leak, a drill).',
  description:
    'Retires the active signing key at once; its successor signs from now on. Tokens signed\n' +
    'by the old key keep verifying for one more key period. Workers pick the change up\n' +
    "when they next read the keys. With --db-url it needs --key-secrets (the overlord's).\n" +
    'With --json: {"kid": "...", "keys": [...]}.',
  run: (context) =>
    runOperation(context, {
      failure: 'Unable to rotate signing keys',
      run: (driver) => driver.rotateKeys(),
      json: (result) => result,
      text: (result) => `Rotated the signing keys: ${result.kid} signs from now on.\n\n${formatKeys(result.keys)}`,
    }),
};
