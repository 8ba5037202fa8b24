import { readFile } from 'node:fs/promises';
import { parseConnectorConfigs } from '@dex/shared/domain/connectors';
import type { DexctlCommand } from '../command.ts';
import { readStdin } from '../read-input.ts';
import { reportFailure, runOperation } from '../run-operation.ts';

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
    'all connector configs with them in one transaction. The output of\n' +
    'get-connector-configs --json is accepted too: a secret given as "********" keeps the\n' +
    'value stored for that connector. With --json: {"saved": N}.',
  async run(context) {
    const { args, io } = context;
    const source = args[0] ?? STDIN_ARG;
    let input: unknown;
    try {
      input = JSON.parse(source === STDIN_ARG ? await readStdin(io) : await readFile(source, 'utf8'));
    } catch (error) {
      return reportFailure(io, 'Unable to read connector configs', error);
    }
    // `{"connectors": [...]}` is the PUT body of dex v0 and what get-connector-configs --json prints.
    const configs = isConnectorsDocument(input) ? input.connectors : input;
    try {
      parseConnectorConfigs(configs);
    } catch (error) {
      return reportFailure(io, 'Invalid connector configs', error);
    }
    const entries = configs as readonly unknown[];
    return runOperation(context, {
      failure: 'Unable to set connector configs',
      run: (driver) => driver.replaceConnectors(entries),
      json: () => ({ saved: entries.length }),
      text: () => `Saved ${entries.length} connector config(s)\n`,
    });
  },
};

function isConnectorsDocument(input: unknown): input is { connectors: unknown[] } {
  return (
    typeof input === 'object' && input !== null && !Array.isArray(input) && Array.isArray((input as { connectors?: unknown }).connectors)
  );
}
