/**
 * The logging the main process needs (a subset of pino's `Logger`, so the app passes the
 * shared logger and tests pass a recorder). Never give it a secret or IPC arguments.
 */
export interface MainLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
