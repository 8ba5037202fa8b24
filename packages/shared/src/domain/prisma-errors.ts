import { prismaErrorCode } from '#errors/index.ts';

/** Whether Prisma reported a unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return prismaErrorCode(error) === 'P2002';
}
