import { AppError, errorReason, prismaErrorCode } from '@dex/shared/errors';

/** What dexctl tells the operator when the tables are missing: the overlord owns migrations. */
export const NO_SCHEMA_MESSAGE = 'the database has no dex schema yet: start dex-overlord once (it applies migrations)';
const OUTDATED_SCHEMA_MESSAGE = 'the database schema is out of date: start dex-overlord once (it applies migrations)';

/** Prisma's codes for a missing table and a missing column. */
const PRISMA_TABLE_MISSING = 'P2021';
const PRISMA_COLUMN_MISSING = 'P2022';

/**
 * Turns anything thrown into an AppError with a one-line message fit for stderr. A missing
 * table becomes {@link NO_SCHEMA_MESSAGE}; other errors keep their reason.
 * @example describeError(new Error('boom')).message // 'boom'
 */
export function describeError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = prismaErrorCode(error);
  if (code === PRISMA_TABLE_MISSING) return new AppError('INTERNAL', { message: NO_SCHEMA_MESSAGE, cause: error });
  if (code === PRISMA_COLUMN_MISSING) return new AppError('INTERNAL', { message: OUTDATED_SCHEMA_MESSAGE, cause: error });
  return new AppError('INTERNAL', { message: errorReason(error), cause: error });
}
