import type { FlagSpec } from './flags.ts';
import { usageError } from './flags.ts';
import { zDuration } from './values.ts';

/** How long the worker and the overlord give a client, and themselves when they stop. */
export interface ServerTimeouts {
  /** The request line and headers must arrive within this (Node's `headersTimeout`). */
  headerTimeoutMs: number;
  /** The whole request, body included, must arrive within this (Node's `requestTimeout`). */
  requestTimeoutMs: number;
  /** On SIGTERM: how long requests in flight may take before their connections are cut. */
  shutdownTimeoutMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: Readonly<ServerTimeouts> = Object.freeze({
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  shutdownTimeoutMs: 10_000,
});

/** The flags of {@link ServerTimeouts}, shared by dex-worker and dex-overlord. */
export const SERVER_TIMEOUT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'header-timeout',
    defaultText: '10s',
    description: 'A request whose line and headers have not all arrived after this is answered 408 and its connection closed.',
  },
  {
    name: 'request-timeout',
    defaultText: '30s',
    description: 'A request (headers and body) that has not all arrived after this is answered 408 and its connection closed.',
  },
  {
    name: 'shutdown-timeout',
    defaultText: '10s',
    description: 'On SIGTERM: stop accepting, finish requests in flight for at most this long, then cut what is left and exit.',
  },
];

/** The zod shape of {@link SERVER_TIMEOUT_FLAGS}, to spread into a program's flag schema. */
export const ZServerTimeoutFlags = {
  'header-timeout': zDuration.default(DEFAULT_SERVER_TIMEOUTS.headerTimeoutMs),
  'request-timeout': zDuration.default(DEFAULT_SERVER_TIMEOUTS.requestTimeoutMs),
  'shutdown-timeout': zDuration.default(DEFAULT_SERVER_TIMEOUTS.shutdownTimeoutMs),
};

/**
 * The timeouts from parsed flags; the headers must have to arrive before the whole request.
 * @example const timeouts = serverTimeouts(flags); // { headerTimeoutMs: 10000, ... }
 */
export function serverTimeouts(flags: { 'header-timeout': number; 'request-timeout': number; 'shutdown-timeout': number }): ServerTimeouts {
  if (flags['header-timeout'] > flags['request-timeout']) throw usageError('--header-timeout: must not be longer than --request-timeout');
  return {
    headerTimeoutMs: flags['header-timeout'],
    requestTimeoutMs: flags['request-timeout'],
    shutdownTimeoutMs: flags['shutdown-timeout'],
  };
}
