import type { CommandContext, DexctlIo } from './command.ts';
import { describeError } from './describe-error.ts';
import type { Driver } from './driver.ts';
import { writeJson } from './output.ts';

/**
 * Prints why an operation failed as `<failure>: <reason>` on stderr and returns exit status
 * 1. Usage errors are thrown on, so they exit with status 2 and the usage hint.
 * @example return reportFailure(io, 'Unable to list clients', error);
 */
export function reportFailure(io: DexctlIo, failure: string, error: unknown): number {
  const appError = describeError(error);
  if (appError.code === 'INVALID_CONFIG') throw appError;
  io.stderr.write(`${failure}: ${appError.message}\n`);
  return 1;
}

export interface Operation<T> {
  /** The start of the stderr line when the operation fails (`Unable to delete client "x"`). */
  failure: string;
  run(driver: Driver): Promise<T>;
  /** The text output (the default). */
  text(result: T): string;
  /** The `--json` document. */
  json(result: T): unknown;
}

/**
 * The body of most commands: open the driver, run one operation, print its result as text
 * or, with `--json`, as one JSON document. Resolves with the exit status.
 * @example return runOperation(context, { failure: 'Unable to get the state', run: (d) => d.getState(), text, json: (s) => s });
 */
export function runOperation<T>(context: CommandContext, operation: Operation<T>): Promise<number> {
  return context.withDriver(async (driver) => {
    let result: T;
    try {
      result = await operation.run(driver);
    } catch (error) {
      return reportFailure(context.io, operation.failure, error);
    }
    if (context.options.isJson) writeJson(context.io, operation.json(result));
    else context.io.stdout.write(operation.text(result));
    return 0;
  });
}
