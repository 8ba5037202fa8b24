import { type FlagSpec, formatUsage } from '@dex/shared/config';
import type { DexctlCommand } from './command.ts';

export const PROGRAM = 'dexctl';
/** `--db-url` is also read from `DEXCTL_DB_URL`, as in dex v0. */
export const ENV_PREFIX = 'DEXCTL';

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'db-url',
    description: 'Database URL: file:./path.db (SQLite) or postgres://user@host:5432/db (PostgreSQL). Required by the database commands.',
  },
  { name: 'log-debug', boolean: true, defaultText: 'false', description: 'Print debug output on stderr.' },
];

const DESCRIPTION = 'Manages a dex installation directly through its database.';

/** `dexctl --help`: flags and the list of commands. */
export function programUsage(commands: readonly DexctlCommand[]): string {
  const head = formatUsage({
    program: PROGRAM,
    synopsis: '[flags] COMMAND [args]',
    description: DESCRIPTION,
    envPrefix: ENV_PREFIX,
    specs: GLOBAL_FLAGS,
  });
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `${head}\nCommands:\n${list.join('\n')}\n\nRun "${PROGRAM} help COMMAND" for the usage of a command.\n`;
}

/** `dexctl help COMMAND` and `dexctl COMMAND --help`. */
export function commandUsage(command: DexctlCommand): string {
  return formatUsage({
    program: PROGRAM,
    synopsis: `[flags] ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`,
    description: command.description,
    envPrefix: ENV_PREFIX,
    specs: GLOBAL_FLAGS,
  });
}
