import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field paths never written to logs, whatever a caller passes. */
const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'client_secret',
  'clientSecret',
  'token',
  'refresh_token',
  'access_token',
  'id_token',
  'code',
  'code_verifier',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.clientSecret',
  '*.token',
  '*.refresh_token',
  '*.access_token',
  '*.id_token',
  '*.code',
  '*.code_verifier',
  'req.headers.authorization',
  'req.headers.cookie',
];

export interface CreateLoggerOptions {
  name: string;
  debug?: boolean;
  /** Where to write (default stdout); tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
  /** Silence everything (tests). */
  silent?: boolean;
}

/**
 * A JSON logger with secrets redacted. Request handlers use `logger.child({ requestId })`.
 * Standard output is written asynchronously: lines logged while a write is under way go out
 * together with the next one (under load, one write for many request lines instead of a
 * blocking write each), and whatever is pending is flushed when the process exits.
 * @example const log = createLogger({ name: 'dex-worker' }); log.info({ port }, 'listening');
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const level = options.silent ? 'silent' : options.debug ? 'debug' : 'info';
  return pino(
    {
      name: options.name,
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { name: options.name },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
