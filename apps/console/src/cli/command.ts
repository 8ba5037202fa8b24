import type { Database } from '@dex/shared/db';
import type { ProcessEnvironment } from '../env.ts';

/** Where dexctl writes and reads; tests inject their own, the bin uses the process's. */
export interface DexctlIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: AsyncIterable<string | Uint8Array>;
  readonly env: ProcessEnvironment;
}

/** The global flags, read once before the command runs. */
export interface GlobalOptions {
  /** `--db-url` / `DEXCTL_DB_URL`, unchecked (the commands that need it validate it). */
  readonly dbUrl: string | undefined;
  readonly logDebug: boolean;
}

export interface CommandContext {
  /** The command's positional arguments. */
  readonly args: readonly string[];
  readonly io: DexctlIo;
  readonly options: GlobalOptions;
  /** Writes a debug line to stderr when `--log-debug` is set. */
  debug(line: string): void;
  /**
   * Opens the database of `--db-url`, checks that it answers and carries the dex schema,
   * runs `use`, and closes the database. Throws a usage error when `--db-url` is unset.
   */
  withDatabase<T>(use: (db: Database) => Promise<T>): Promise<T>;
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
  run(context: CommandContext): Promise<number>;
}
