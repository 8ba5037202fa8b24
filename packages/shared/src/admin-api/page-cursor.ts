import { AppError } from '#errors/index.ts';
import type { z } from 'zod';

/**
 * Opaque paging cursors: the position a list stopped at, as base64url JSON. Clients must
 * not build or read them; the server validates what comes back against the list's schema,
 * so a cursor can never smuggle anything but a position.
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}, or throws BAD_REQUEST `cursor is invalid`. */
export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AppError('BAD_REQUEST', { message: 'cursor is invalid' });
  return parsed.data;
}
