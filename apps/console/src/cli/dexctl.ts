import { type FlagSpec, parseArgs, parseConfig, usageError, zBooleanFlag, zDbUrl } from '@dex/shared/config';
import { exitCodeFor, formatFatal } from '@dex/shared/process';
import { z } from 'zod';
import { readProcessEnvironment } from '../env.ts';
import type { Arity, CommandContext, DexctlCommand, DexctlIo, GlobalOptions } from './command.ts';
import { getConnectorConfigsCommand } from './commands/get-connector-configs.ts';
import { createHelpCommand } from './commands/help.ts';
import { newClientCommand } from './commands/new-client.ts';
import { setConnectorConfigsCommand } from './commands/set-connector-configs.ts';
import { versionCommand } from './commands/version.ts';
import { describeError } from './describe-error.ts';
import { withOpenDatabase } from './open-database.ts';
import { commandUsage, ENV_PREFIX, GLOBAL_FLAGS, PROGRAM, programUsage } from './usage.ts';

/** Exit statuses: done, the operation failed, bad usage. */
const EXIT_OK = 0;
const EXIT_USAGE = 2;

const COMMANDS: readonly DexctlCommand[] = [
  newClientCommand,
  setConnectorConfigsCommand,
  getConnectorConfigsCommand,
  versionCommand,
  createHelpCommand(() => COMMANDS),
];

/** Flags may also follow the command (`dexctl new-client --db-url=... URL`); the environment is read once, before it. */
const TRAILING_FLAGS: readonly FlagSpec[] = GLOBAL_FLAGS.map((spec) => ({ ...spec, env: false }));

const ZGlobalFlags = z.object({
  'db-url': z.string().optional(),
  'log-debug': zBooleanFlag.default(false),
});
const ZDbUrlFlag = z.object({ 'db-url': zDbUrl });

/**
 * The `dexctl` command (dex v0.5+ database driver): `new-client`, `set-connector-configs`,
 * `get-connector-configs`, `version` and `help`. Resolves with the exit status: 0 done,
 * 1 the operation failed, 2 bad usage. Never prints a stack trace.
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
    // Lazy: touching process.stdin opens it, and only `set-connector-configs -` reads it.
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    env: io.env ?? readProcessEnvironment(),
  };
}

async function dispatch(argv: readonly string[], io: DexctlIo): Promise<number> {
  const leading = parseArgs({ specs: GLOBAL_FLAGS, argv, envPrefix: ENV_PREFIX, env: io.env, stopAtPositional: true });
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

  const trailing = parseArgs({ specs: TRAILING_FLAGS, argv: rest, envPrefix: ENV_PREFIX, env: io.env });
  if (leading.help || trailing.help) {
    io.stdout.write(commandUsage(command));
    return EXIT_OK;
  }
  const arityProblem = checkArity(command.arity, trailing.positionals.length);
  if (arityProblem !== undefined) {
    io.stderr.write(`${PROGRAM} ${command.name}: ${arityProblem}\n\n${commandUsage(command)}`);
    return EXIT_USAGE;
  }

  const flags = parseConfig(ZGlobalFlags, { ...leading.values, ...trailing.values });
  const options: GlobalOptions = Object.freeze({ dbUrl: flags['db-url'], logDebug: flags['log-debug'] });
  const debug = (line: string): void => {
    if (options.logDebug) io.stderr.write(`${PROGRAM}: debug: ${line}\n`);
  };
  const context: CommandContext = {
    args: trailing.positionals,
    io,
    options,
    debug,
    async withDatabase(use) {
      if (options.dbUrl === undefined) throw usageError('--db-url flag unset');
      const { 'db-url': url } = parseConfig(ZDbUrlFlag, { 'db-url': options.dbUrl });
      return withOpenDatabase({ url, debug }, use);
    },
  };
  debug(`running ${command.name}`);
  return command.run(context);
}

function checkArity(arity: Arity, count: number): string | undefined {
  if (count >= arity.min && count <= arity.max) return undefined;
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (arity.max === 0) return `takes no arguments, got ${count}`;
  if (arity.min === arity.max) return `takes exactly ${plural(arity.min)}, got ${count}`;
  if (count < arity.min) return `needs at least ${plural(arity.min)}, got ${count}`;
  return `takes at most ${plural(arity.max)}, got ${count}`;
}
