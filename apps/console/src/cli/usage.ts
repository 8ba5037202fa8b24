import { envName, type FlagSpec } from '@dex/shared/config';
import type { CommandFlagSpec, DexctlCommand } from './command.ts';

export const PROGRAM = 'dexctl';
/** The global flags are also read from `DEXCTL_<FLAG>` (`DEXCTL_DB_URL`), as in dex v0. */
export const ENV_PREFIX = 'DEXCTL';

/** A global flag; `placeholder` names its value in the usage (default `VALUE`). */
export type GlobalFlagSpec = FlagSpec & { readonly placeholder?: string };

export const GLOBAL_FLAGS: readonly GlobalFlagSpec[] = [
  {
    name: 'db-url',
    placeholder: 'URL',
    description: 'Database driver: work directly in the database, file:./path.db (SQLite) or postgres://user@host:5432/db (PostgreSQL).',
  },
  {
    name: 'admin-url',
    placeholder: 'URL',
    description: "Admin API driver: work through the overlord's admin API (its --admin-listen), such as http://127.0.0.1:5557.",
  },
  {
    name: 'admin-secret',
    placeholder: 'SECRET',
    description: "The overlord's --admin-api-secret, for --admin-url. Prefer the environment variable: flags show in the process list.",
  },
  {
    name: 'endpoint',
    placeholder: 'URL',
    description:
      "Worker API driver (as dex v0): the worker's issuer URL, such as http://127.0.0.1:5556/dex; with an admin client's --client-id and --client-secret.",
  },
  { name: 'client-id', placeholder: 'ID', description: 'For --endpoint: the id of an admin client (dexctl new-client --admin).' },
  {
    name: 'client-secret',
    placeholder: 'SECRET',
    description: "For --endpoint: that client's secret. Prefer the environment variable: flags show in the process list.",
  },
  {
    name: 'key-secrets',
    placeholder: 'SECRETS',
    description: "Database driver, rotate-keys: the overlord's --key-secrets (the first encrypts the new key).",
  },
  {
    name: 'key-period',
    placeholder: 'DURATION',
    description: "Database driver, list-keys and rotate-keys: the overlord's --key-period (default: that of the active key, else 24h).",
  },
  {
    name: 'json',
    boolean: true,
    env: false,
    defaultText: 'false',
    description: "Print one JSON document on stdout (the admin API contract's shapes) instead of text.",
  },
  { name: 'log-debug', boolean: true, defaultText: 'false', description: 'Print debug output on stderr.' },
];

const DESCRIPTION = [
  'Manages a dex installation from scripts, through one of three drivers:',
  '  --db-url URL      directly in the database the overlord migrated',
  "  --admin-url URL   through the overlord's admin API, with --admin-secret",
  "  --endpoint URL    through the worker's API v1 at that issuer, with an admin client's",
  '                    --client-id and --client-secret (clients and users only)',
  'Give exactly one (a flag beats a DEXCTL_* variable). Every command prints the same',
  'with every driver: text by default, one JSON document with --json.',
  'Exit status: 0 done, 1 the operation failed (reason on stderr), 2 usage error.',
].join('\n');

/** `dexctl --help`: flags and the list of commands. */
export function programUsage(commands: readonly DexctlCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `Usage: ${PROGRAM} [flags] COMMAND [args]`,
    '',
    DESCRIPTION,
    '',
    'Flags:',
    ...formatFlags(GLOBAL_FLAGS),
    ...HELP_FLAG,
    '',
    'Commands:',
    ...list,
    '',
    `Run "${PROGRAM} help COMMAND" for the usage of a command.`,
    '',
  ].join('\n');
}

/** `dexctl help COMMAND` and `dexctl COMMAND --help`. */
export function commandUsage(command: DexctlCommand): string {
  const lines = [
    `Usage: ${PROGRAM} [flags] ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`,
    '',
    command.description,
  ];
  if (command.flags !== undefined && command.flags.length > 0)
    lines.push('', 'Flags of this command:', ...formatFlags(command.flags, false));
  lines.push('', 'Global flags:', ...formatFlags(GLOBAL_FLAGS), ...HELP_FLAG, '');
  return lines.join('\n');
}

const HELP_FLAG = ['  -h, --help', '      Show this help.'];

/** Each flag with its value placeholder, description, default and variable. */
function formatFlags(specs: readonly (GlobalFlagSpec | CommandFlagSpec)[], hasEnv = true): string[] {
  const lines: string[] = [];
  for (const spec of specs) {
    const placeholder = spec.placeholder ?? 'VALUE';
    lines.push(`  --${spec.name}${spec.boolean ? '' : ` ${placeholder}`}`, `      ${spec.description}`);
    const extra: string[] = [];
    if ('repeatable' in spec && spec.repeatable) extra.push('repeatable');
    if ('defaultText' in spec && spec.defaultText !== undefined) extra.push(`default ${spec.defaultText}`);
    if (hasEnv && !('env' in spec && spec.env === false)) extra.push(`env ${envName(ENV_PREFIX, spec.name)}`);
    if (extra.length > 0) lines.push(`      (${extra.join('; ')})`);
  }
  return lines;
}
