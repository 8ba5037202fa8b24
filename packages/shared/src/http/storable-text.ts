import type { NextFunction, Request, Response } from 'express';
import { AppError } from '#errors/index.ts';

/** NUL, and UTF-16 surrogates without their other half (what a JSON `\ud800` escape makes). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this looks for.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether text holds a character no store can keep or no honest client sends: NUL
 * (PostgreSQL refuses it in text columns and parameters) or a lone surrogate (not Unicode).
 * @example if (hasUnstorableCharacter(value)) throw ...;
 */
export function hasUnstorableCharacter(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** The first string in a parsed JSON or query value (keys too) that `hasUnstorableCharacter`. */
function findUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return hasUnstorableCharacter(value);
  if (typeof value !== 'object' || value === null || depth > 32) return false;
  for (const [key, member] of Object.entries(value)) {
    if (hasUnstorableCharacter(key) || findUnstorable(member, depth + 1)) return true;
  }
  return false;
}

/**
 * Express middleware, after the body parser: refuses (400 BAD_REQUEST) a request whose path,
 * query or JSON body holds a NUL or a lone surrogate, before any handler passes it to a store.
 * @example app.use('/api', express.json(), refuseUnstorableInput);
 */
export function refuseUnstorableInput(req: Request, _res: Response, next: NextFunction): void {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    next(new AppError('BAD_REQUEST', { message: 'the request path is not valid percent-encoding' }));
    return;
  }
  if (hasUnstorableCharacter(path) || findUnstorable(req.query) || findUnstorable(req.body)) {
    next(new AppError('BAD_REQUEST', { message: 'the request contains a character that is not allowed (NUL or an unpaired surrogate)' }));
    return;
  }
  next();
}
