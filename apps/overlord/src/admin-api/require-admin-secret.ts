import type { NextFunction, Request, Response } from 'express';
import { safeEqual } from '@dex/shared/crypto';
import { AppError } from '@dex/shared/errors';

/**
 * Guards the admin API: the `Authorization` header must carry the admin secret, either raw
 * (as dex v0 clients send it) or as `Bearer <secret>`. Compared in constant time.
 */
export function requireAdminSecret(secret: string) {
  if (secret === '') throw new AppError('INVALID_CONFIG', { message: 'the admin API cannot run without a secret' });
  return (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const presented = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '') : header;
    if (presented === '' || !safeEqual(presented.trim(), secret)) {
      next(new AppError('UNAUTHORIZED', { message: 'missing or wrong admin API secret' }));
      return;
    }
    next();
  };
}
