/**
 * The database drivers' npm modules, imported when a database of that kind is first opened
 * rather than when the program starts. A worker on SQLite never loads `pg` and
 * `@prisma/adapter-pg` (about 4 MB of heap and their code), one on PostgreSQL never loads
 * better-sqlite3's adapter; dexctl and the overlord start a little faster too. Each import
 * happens once per process (Node caches modules).
 */

/** `pg` and Prisma's adapter for it. */
export async function postgresModules() {
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
  return { pg, PrismaPg };
}

/** Prisma's better-sqlite3 adapter (the migration engine's; the stores use our own, sqlite-adapter.ts). */
export async function sqliteAdapterModule() {
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  return { PrismaBetterSqlite3 };
}
