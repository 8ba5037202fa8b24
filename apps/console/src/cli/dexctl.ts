import { lastValues, parseArgs, parseConfig, scanArgs, usageError, zBooleanFlag } from '@dex/shared/config';
import { exitCodeFor, formatFatal } from '@dex/shared/process';
import { z } from 'zod';
import { readProcessEnvironment } from '../env.ts';
import { chooseDriver } from './choose-driver.ts';
import { type Arity, type CommandContext, CommandUsageError, type DexctlCommand, type DexctlIo, type GlobalOptions } from './command.ts';
import { toCommandFlags } from './command-line.ts';
import { createUserCommand } from './commands/create-user.ts';
import { deleteClientCommand } from './commands/delete-client.ts';
import { disableUserCommand } from './commands/disable-user.ts';
import { getClientCommand } from './commands/get-client.ts';
import { getConnectorConfigsCommand } from './commands/get-connector-configs.ts';
import { createHelpCommand } from './commands/help.ts';
import { listClientsCommand } from './commands/list-clients.ts';
import { listKeysCommand } from './commands/list-keys.ts';
import { listUsersCommand } from './commands/list-users.ts';
import { newClientCommand } from './commands/new-client.ts';
import { rotateClientSecretCommand } from './commands/rotate-client-secret.ts';
import { rotateKeysCommand } from './commands/rotate-keys.ts';
import { setConnectorConfigsCommand } from './commands/set-connector-configs.ts';
import { stateCommand } from './commands/state.ts';
import { versionCommand } from './commands/version.ts';
import { describeError } from './describe-error.ts';
import type { Driver } from './driver.ts';
import { withApiDriver } from './drivers/api-driver.ts';
import { withWorkerApiDriver } from './drivers/worker-api-driver.ts';
import { commandUsage, ENV_PREFIX, GLOBAL_FLAGS, PROGRAM, programUsage } from './usage.ts';

/** Exit statuses: done, the operation failed, bad usage. */
const EXIT_OK = 0;
const EXIT_USAGE = 2;

const COMMANDS: readonly DexctlCommand[] = [
  // dex v0's commands, with their v0 output.
  newClientCommand,
  setConnectorConfigsCommand,
  getConnectorConfigsCommand,
  // New in this implementation.
  listClientsCommand,
  getClientCommand,
  deleteClientCommand,
  rotateClientSecretCommand,
  listUsersCommand,
  createUserCommand,
  disableUserCommand,
  listKeysCommand,
  rotateKeysCommand,
  stateCommand,
  versionCommand,
  createHelpCommand(() => COMMANDS),
];

const ZOutputFlags = z.object({
  json: zBooleanFlag.default(false),
  'log-debug': zBooleanFlag.default(false),
});

/**
 * The `dexctl` command: dex v0's `new-client`, `set-connector-configs`,
 * `get-connector-configs` and `version`, plus client, user, key and state management, on the
 * database (`--db-url`) or the overlord's admin API (`--admin-url`). Resolves with the exit
 * status: 0 done, 1 the operation failed, 2 bad usage. Never prints a stack trace.
 * @example process.exitCode = await runDexctl(['--db-url', 'file:./.dex/dex.db', 'get-connector-configs']);
 */
export async function runDexctl(argv: readonly string[], io: Partial<DexctlIo> = {}): Promise<number> {
  const streams = resolveIo(io);
  try {
    return await dispatch(argv, streams);
  } catch (error) {
    const appError = describeError(error);
    streams.stderr.write(formatFatal(PROGRAM, appError));
    return exitCodeFor(appError);
  }
}

/** The process's streams and environment, for whatever the caller did not inject. */
function resolveIo(io: Partial<DexctlIo>): DexctlIo {
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    // Lazy: touching process.stdin opens it, and only a few commands read it.
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    env: io.env ?? readProcessEnvironment(),
  };
}

async function dispatch(argv: readonly string[], io: DexctlIo): Promise<number> {
  // Global flags may come before the command and after it (`dexctl new-client --db-url=... URL`).
  const leading = scanArgs({ specs: GLOBAL_FLAGS, argv, stopAtPositional: true });
  const [name, ...rest] = leading.positionals;
  if (name === undefined) {
    if (leading.help) {
      io.stdout.write(programUsage(COMMANDS));
      return EXIT_OK;
    }
    io.stderr.write(`${PROGRAM}: no command given\n\n${programUsage(COMMANDS)}`);
    return EXIT_USAGE;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) throw usageError(`unknown command "${name}"`);

  const commandFlags = command.flags ?? [];
  const trailing = scanArgs({ specs: [...GLOBAL_FLAGS, ...commandFlags], argv: rest });
  if (leading.help || trailing.help) {
    io.stdout.write(commandUsage(command));
    return EXIT_OK;
  }
  const arityProblem = checkArity(command.arity, trailing.positionals.length);
  if (arityProblem !== undefined) return commandUsageFailure(io, command, arityProblem);

  const globalNames = new Set(GLOBAL_FLAGS.map((spec) => spec.name));
  const ownOccurrences = new Map([...trailing.occurrences].filter(([flag]) => !globalNames.has(flag)));
  const flagValues = {
    ...lastValues(leading.occurrences),
    ...lastValues(new Map([...trailing.occurrences].filter(([flag]) => globalNames.has(flag)))),
  };
  // The variables once, for the global flags the command line left out (flags beat them).
  const envValues = parseArgs({ specs: GLOBAL_FLAGS, argv: [], envPrefix: ENV_PREFIX, env: io.env }).values;
  const output = parseConfig(ZOutputFlags, { ...pick(envValues, ['log-debug']), ...pick(flagValues, ['json', 'log-debug']) });
  const options: GlobalOptions = Object.freeze({ isJson: output.json, isLogDebug: output['log-debug'] });
  const debug = (line: string): void => {
    if (options.isLogDebug) io.stderr.write(`${PROGRAM}: debug: ${line}\n`);
  };

  const context: CommandContext = {
    args: trailing.positionals,
    flags: toCommandFlags(ownOccurrences),
    io,
    options,
    debug,
    async withDriver<T>(use: (driver: Driver) => Promise<T>): Promise<T> {
      const choice = chooseDriver({ flags: flagValues, env: envValues });
      if (choice.kind === 'admin-api') return withApiDriver({ url: choice.url, secret: choice.secret, debug }, use);
      if (choice.kind === 'worker-api') {
        const { issuer, clientId, clientSecret } = choice;
        return withWorkerApiDriver({ issuer, clientId, clientSecret, debug }, use);
      }
      // Loaded only for --db-url: the admin API driver does without Prisma.
      const { withDatabaseDriver } = await import('./drivers/database-driver.ts');
      return withDatabaseDriver({ url: choice.url, keySecrets: choice.keySecrets, keyPeriodMs: choice.keyPeriodMs, debug }, use);
    },
  };
  debug(`running ${command.name}`);
  try {
    return await command.run(context);
  } catch (error) {
    if (error instanceof CommandUsageError) return commandUsageFailure(io, command, error.message);
    throw error;
  }
}

/** A problem with a command's arguments: the problem and the command's usage, status 2. */
function commandUsageFailure(io: DexctlIo, command: DexctlCommand, problem: string): number {
  io.stderr.write(`${PROGRAM} ${command.name}: ${problem}\n\n${commandUsage(command)}`);
  return EXIT_USAGE;
}

function pick(values: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (values[name] === undefined ? [] : [[name, values[name]]])));
}

function checkArity(arity: Arity, count: number): string | undefined {
  if (count >= arity.min && count <= arity.max) return undefined;
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (arity.max === 0) return `takes no arguments, got ${count}`;
  if (arity.min === arity.max) return `takes exactly ${plural(arity.min)}, got ${count}`;
  if (count < arity.min) return `needs at least ${plural(arity.min)}, got ${count}`;
  return `takes at most ${plural(arity.max)}, got ${count}`;
}
