import type { PrismaDb } from '#db/create-database.ts';
import { CLIENT_INCLUDE, type ClientRecord, toClientRecord } from './types.ts';

/** @example await findClient(db.prisma, 'example-app') // ClientRecord | null */
export async function findClient(prisma: PrismaDb, id: string): Promise<ClientRecord | null> {
  const row = await prisma.client.findUnique({ where: { id }, include: CLIENT_INCLUDE });
  return row === null ? null : toClientRecord(row);
}
