import { listConnectorConfigs } from '@dex/shared/domain/connectors';
import type { DexctlCommand } from '../command.ts';
import { describeError } from '../describe-error.ts';

/** `dexctl get-connector-configs`: lists the id and type of every connector config. */
export const getConnectorConfigsCommand: DexctlCommand = {
  name: 'get-connector-configs',
  synopsis: '',
  arity: { min: 0, max: 0 },
  summary: 'List the connector configs.',
  description: 'Prints the ID and type of every connector config, in login-page order.',
  async run({ io, withDatabase }) {
    return withDatabase(async (db) => {
      let configs: Awaited<ReturnType<typeof listConnectorConfigs>>;
      try {
        configs = await listConnectorConfigs(db.prisma);
      } catch (error) {
        io.stderr.write(`Unable to get connector configs: ${describeError(error).message}\n`);
        return 1;
      }
      const lines = [`Found ${configs.length} connector config(s)`];
      for (const config of configs) lines.push('', `ID:   ${config.id}`, `Type: ${config.type}`);
      io.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    });
  },
};
