import { usageError } from '@dex/shared/config';
import type { DexctlCommand } from '../command.ts';
import { commandUsage, programUsage } from '../usage.ts';

/**
 * `dexctl help [COMMAND]`: the usage of dexctl or of one command. It takes the command list
 * as a function because it is part of that list.
 */
export function createHelpCommand(commands: () => readonly DexctlCommand[]): DexctlCommand {
  return {
    name: 'help',
    synopsis: '[COMMAND]',
    arity: { min: 0, max: 1 },
    summary: 'Show the usage of dexctl or of a command.',
    description: 'Shows the flags and commands of dexctl, or the usage of COMMAND.',
    async run({ args, io }) {
      const [name] = args;
      if (name === undefined) {
        io.stdout.write(programUsage(commands()));
        return 0;
      }
      const command = commands().find((candidate) => candidate.name === name);
      if (command === undefined) throw usageError(`unknown command "${name}"`);
      io.stdout.write(commandUsage(command));
      return 0;
    },
  };
}
