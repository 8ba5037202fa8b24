import { DEX_VERSION } from '@dex/shared/version';
import type { DexctlCommand } from '../command.ts';
import { writeJson } from '../output.ts';

/** `dexctl version`: the dex release and the Node.js runtime (dex v0 printed the Go version). */
export const versionCommand: DexctlCommand = {
  name: 'version',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'Print the version and exit.',
  description: 'Prints the dex version and the Node.js version. Needs no driver.\nWith --json: {"version": "...", "node": "..."}.',
  async run({ io, options }) {
    if (options.isJson) writeJson(io, { version: DEX_VERSION, node: process.version });
    else io.stdout.write(`dex version ${DEX_VERSION}\nnode version ${process.version}\n`);
    return 0;
  },
};
