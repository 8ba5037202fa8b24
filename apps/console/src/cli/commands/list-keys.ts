import type { DexctlCommand } from '../command.ts';
import { runOperation } from '../run-operation.ts';
import { formatKeys } from '../format-keys.ts';

/** `dexctl list-keys`: the signing key chain. */
export const listKeysCommand: DexctlCommand = {
  name: 'list-keys',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'List the signing keys and when they rotate.',
  description:
    'Prints the signing keys, newest first, with their state (next: published, not signing\n' +
    'yet; active: signs; retired: still published so its tokens verify) and their windows,\n' +
    'then when the active key retires. No key material is shown.\n' +
    'With --json: {"keys": [...], "nextRotationAt": "...", "keyPeriodSeconds": N}.',
  run: (context) =>
    runOperation(context, {
      failure: 'Unable to list signing keys',
      run: (driver) => driver.listKeys(),
      json: (list) => list,
      text: (list) => `${formatKeys(list.keys)}\nNext rotation: ${list.nextRotationAt ?? 'not scheduled'}\n`,
    }),
};
