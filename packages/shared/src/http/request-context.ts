import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '#logging/index.ts';

const INBOUND_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Each logger's child for request lines, made once. */
const REQUEST_LINE_LOGGERS = new WeakMap<Logger, Logger>();

/**
 * The logger of the request lines: the same, without the redaction pass. A request line holds
 * only fixed fields (id, method, path without query, status, duration), never a secret, and
 * the redaction of each line cost as much as the rest of a JWKS answer.
 */
function requestLineLogger(logger: Logger): Logger {
  let lines = REQUEST_LINE_LOGGERS.get(logger);
  if (lines === undefined) {
    lines = logger.child({}, { redact: [] });
    REQUEST_LINE_LOGGERS.set(logger, lines);
  }
  return lines;
}

/** Per-request values kept on `res.locals`. */
export interface RequestLocals {
  requestId: string;
  log: Logger;
}

/** A response with Express's `locals` bag (Express's own, or one a plain handler attached). */
export type ResponseWithLocals = ServerResponse & { locals: Record<string, unknown> };

/** The request's id and child logger, set by `requestContext` or `trackRequest`. */
export function locals(res: { locals: Record<string, unknown> }): RequestLocals {
  return res.locals as unknown as RequestLocals;
}

/**
 * Gives a request an id (an inbound `X-Request-Id` is kept only if it looks like one) and a
 * child logger on `res.locals`, echoes the id in the response, and logs one line when the
 * response is sent with method, path (never the query: it can carry codes and tokens), status
 * and duration. The child logger is made the first time a handler logs (most requests never
 * do); the request line carries the same `requestId` field through the parent. For plain
 * node:http handlers; Express apps use `requestContext`.
 * @example trackRequest(logger, req, res, '/dex/token');
 */
export function trackRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ResponseWithLocals,
  path: string,
  /** Called with the status and duration as the line is logged (the worker's metrics). */
  onFinish?: (status: number, seconds: number) => void,
): void {
  const inbound = req.headers['x-request-id'];
  const requestId = typeof inbound === 'string' && INBOUND_ID.test(inbound) ? inbound : randomUUID();
  let log: Logger | undefined;
  res.locals.requestId = requestId;
  Object.defineProperty(res.locals, 'log', {
    get: () => {
      log ??= logger.child({ requestId });
      return log;
    },
    enumerable: true,
    configurable: true,
  });
  res.setHeader('X-Request-Id', requestId);
  const started = process.hrtime.bigint();
  const lines = requestLineLogger(logger);
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    lines.info({ requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    onFinish?.(res.statusCode, ms / 1000);
  });
}

/**
 * `trackRequest` as Express middleware: every request of the app gets an id, a child logger
 * (`locals(res).log`) and its request line.
 * @example app.use(requestContext(logger));
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    trackRequest(logger, req, res, req.path);
    next();
  };
}
