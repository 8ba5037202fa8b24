import { DEX_VERSION } from '@dex/shared/version';
import type { DexctlCommand } from '../command.ts';

/** `dexctl version`: the dex release and the Node.js runtime (dex v0 printed the Go version). */
export const versionCommand: DexctlCommand = {
  name: 'version',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'Print the version and exit.',
  description: 'Prints the dex version and the Node.js version.',
  async run({ io }) {
    io.stdout.write(`dex version ${DEX_VERSION}\nnode version ${process.version}\n`);
    return 0;
  },
};
