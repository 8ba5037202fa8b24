import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '#logging/index.ts';

const INBOUND_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Per-request values kept on `res.locals`. */
export interface RequestLocals {
  requestId: string;
  log: Logger;
}

/** The request's id and child logger, set by `requestContext`. */
export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/**
 * Gives each request an id (an inbound `X-Request-Id` is kept only if it looks like one) and
 * a child logger, echoes the id in the response, and logs one line per request with method,
 * path (never the query: it can carry codes and tokens), status and duration. The child
 * logger is made the first time a handler logs (most requests never do); the request line
 * carries the same `requestId` field through the parent.
 * @example app.use(requestContext(logger));
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const inbound = req.get('x-request-id');
    const requestId = inbound !== undefined && INBOUND_ID.test(inbound) ? inbound : randomUUID();
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
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
