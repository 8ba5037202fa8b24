import type { DexctlCommand } from '../command.ts';
import { runOperation } from '../run-operation.ts';

/** `dexctl get-connector-configs`: lists the id and type of every connector config. */
export const getConnectorConfigsCommand: DexctlCommand = {
  name: 'get-connector-configs',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'List the connector configs.',
  description:
    'Prints the ID and type of every connector config, in login-page order.\n' +
    'With --json: {"connectors": [<config>...], "items": [...]}, every secret shown as\n' +
    '"********"; set-connector-configs takes that document back and keeps the stored secrets.',
  run: (context) =>
    runOperation(context, {
      failure: 'Unable to get connector configs',
      run: (driver) => driver.listConnectors(),
      json: (list) => list,
      text: (list) => {
        const lines = [`Found ${list.items.length} connector config(s)`];
        for (const item of list.items) lines.push('', `ID:   ${item.id}`, `Type: ${item.type}`);
        return `${lines.join('\n')}\n`;
      },
    }),
};
