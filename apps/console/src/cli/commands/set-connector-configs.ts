import { readFile } from 'node:fs/promises';
import { parseConnectorConfigs, setConnectorConfigs, type TConnectorConfig } from '@dex/shared/domain/connectors';
import type { DexctlCommand, DexctlIo } from '../command.ts';
import { describeError } from '../describe-error.ts';

/** The argument that means "read standard input". */
const STDIN_ARG = '-';

/**
 * `dexctl set-connector-configs FILE|-`: replaces every connector config with the JSON array
 * in FILE (or on standard input), in one transaction.
 */
export const setConnectorConfigsCommand: DexctlCommand = {
  name: 'set-connector-configs',
  synopsis: 'FILE|-',
  arity: { min: 1, max: 1 },
  summary: 'Replace all connector configs with those in a JSON file ("-" reads stdin).',
  description:
    'Reads a JSON array of connector configs (for example [{"type":"local","id":"local"}])\n' +
    'from FILE, or from standard input when FILE is "-", checks every entry, and replaces\n' +
    'all connector configs with them in one transaction.',
  async run({ args, io, withDatabase }) {
    const source = args[0] ?? STDIN_ARG;
    let input: unknown;
    try {
      input = JSON.parse(source === STDIN_ARG ? await readStdin(io) : await readFile(source, 'utf8'));
    } catch (error) {
      io.stderr.write(`Unable to read connector configs: ${describeError(error).message}\n`);
      return 1;
    }
    let configs: TConnectorConfig[];
    try {
      configs = parseConnectorConfigs(input);
    } catch (error) {
      io.stderr.write(`Invalid connector configs: ${describeError(error).message}\n`);
      return 1;
    }
    return withDatabase(async (db) => {
      try {
        const saved = await setConnectorConfigs(db.prisma, configs);
        io.stdout.write(`Saved ${saved} connector config(s)\n`);
        return 0;
      } catch (error) {
        io.stderr.write(`Unable to set connector configs: ${describeError(error).message}\n`);
        return 1;
      }
    });
  },
};

async function readStdin(io: DexctlIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
