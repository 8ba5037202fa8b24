import { AppError } from '@dex/shared/errors';
import type { ProcessEnvironment } from '../env.ts';
import type { Driver } from './driver.ts';

/** Where dexctl writes and reads; tests inject their own, the bin uses the process's. */
export interface DexctlIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: AsyncIterable<string | Uint8Array>;
  readonly env: ProcessEnvironment;
}

/** The global flags every command shares, read once before the command runs. */
export interface GlobalOptions {
  /** `--json`: one JSON document on stdout instead of the human-readable output. */
  readonly isJson: boolean;
  readonly isLogDebug: boolean;
}

/** A flag of one command (`new-client --public`), given after the command name. */
export interface CommandFlagSpec {
  readonly name: string;
  readonly description: string;
  /** Takes no value (`--public`, or `--public=false`). */
  readonly boolean?: boolean;
  /** May be given more than once (`--trusted-peer a --trusted-peer b`). */
  readonly repeatable?: boolean;
  /** Shown in the usage as the value's placeholder (default `VALUE`). */
  readonly placeholder?: string;
}

/** The command flags as given: every occurrence of each, in order. */
export interface CommandFlags {
  /** The last value of a flag, or undefined when it was not given. */
  value(name: string): string | undefined;
  /** Every value of a repeatable flag, in order. */
  values(name: string): readonly string[];
  /** Whether a boolean flag is set (its last value is true). */
  isSet(name: string): boolean;
}

export interface CommandContext {
  /** The command's positional arguments. */
  readonly args: readonly string[];
  readonly flags: CommandFlags;
  readonly io: DexctlIo;
  readonly options: GlobalOptions;
  /** Writes a debug line to stderr when `--log-debug` is set. */
  debug(line: string): void;
  /**
   * Opens the driver the global flags choose (`--db-url` or `--admin-url`), checks that it
   * answers, runs `use`, and closes it. Throws a usage error when no driver or both are given.
   */
  withDriver<T>(use: (driver: Driver) => Promise<T>): Promise<T>;
}

/** How many positional arguments a command takes (checked before it runs, as cobra's `Args`). */
export interface Arity {
  readonly min: number;
  /** `Infinity` for a variadic command. */
  readonly max: number;
}

/**
 * One dexctl subcommand. `run` resolves with the exit status (0 done, 1 failed); errors it
 * throws are printed as one line, with exit status 2 for usage errors (INVALID_CONFIG).
 */
export interface DexctlCommand {
  readonly name: string;
  /** Arguments as shown in the usage line (`REDIRECT_URL...`). */
  readonly synopsis: string;
  readonly arity: Arity;
  /** One line for the command list. */
  readonly summary: string;
  /** The paragraph of `dexctl help <command>`. */
  readonly description: string;
  /** Flags of this command only (default none). */
  readonly flags?: readonly CommandFlagSpec[];
  run(context: CommandContext): Promise<number>;
}

/**
 * A usage error found by a command itself (a combination of arguments and flags that cannot
 * work): dexctl prints it with the command's usage and exits with status 2.
 */
export class CommandUsageError extends AppError {
  constructor(message: string) {
    super('INVALID_CONFIG', { message });
  }
}
