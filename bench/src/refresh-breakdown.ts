import { createHmac, generateKeyPairSync, hkdfSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { SignJWT } from 'jose';
import { createDatabase, migrateDatabase } from '@dex/shared/db';
import { issueRefreshToken, rotateRefreshToken } from '@dex/shared/domain/auth';
import { authenticateClient, createClient } from '@dex/shared/domain/clients';
import { createUser, findUserById } from '@dex/shared/domain/users';

/** The cost of one step of the refresh grant, called back to back in this process. */
export interface StepCost {
  step: string;
  /** CPU time per call (this process, all threads: WebCrypto signs on libuv's thread pool). */
  cpuMs: number;
  wallMs: number;
  /** SQL statements prepared per call (better-sqlite3 `prepare`; the Prisma adapter prepares each query anew). */
  statements: number;
}

interface SqliteModule {
  prototype: { prepare: (...args: unknown[]) => unknown };
}

/**
 * Counts better-sqlite3 statements: wraps `Database.prototype.prepare` of the copy that
 * @dex/shared's Prisma adapter loads. A diagnostic only; the bench process has no other use for SQLite.
 */
function countStatements(): () => number {
  const require = createRequire(import.meta.resolve('@dex/shared/db'));
  const sqlite = require('better-sqlite3') as SqliteModule;
  const original = sqlite.prototype.prepare;
  let count = 0;
  sqlite.prototype.prepare = function prepare(this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return () => count;
}

async function cost(step: string, calls: number, statements: () => number, call: () => Promise<unknown> | unknown): Promise<StepCost> {
  for (let i = 0; i < Math.min(50, calls); i++) await call(); // warm-up
  const statementsBefore = statements();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i++) await call();
  const wallMs = (performance.now() - start) / calls;
  const cpu = process.cpuUsage(cpuBefore);
  return { step, cpuMs: (cpu.user + cpu.system) / 1000 / calls, wallMs, statements: (statements() - statementsBefore) / calls };
}

/**
 * What the worker's refresh grant is made of, step by step, without HTTP: the store calls
 * it makes (the real @dex/shared functions on a scratch SQLite database) and the two JWTs it
 * signs (jose, as the worker: HS256 access token, RS256 ID token), plus cheaper ways to sign
 * for comparison. Sequential calls; a few seconds in all.
 */
export async function refreshBreakdown(options: { dbUrl: string; calls?: number }): Promise<StepCost[]> {
  const calls = options.calls ?? 500;
  const statements = countStatements();
  await migrateDatabase({ url: options.dbUrl });
  const db = await createDatabase({ url: options.dbUrl });
  try {
    const { client, secret } = await createClient(db.prisma, { redirectUris: ['http://127.0.0.1/bench/callback'] });
    const user = await createUser(db.prisma, { email: 'breakdown@example.com', password: 'bench-password-1' });
    let token = await issueRefreshToken(db.prisma, {
      userId: user.id,
      clientId: client.id,
      connectorId: 'local',
      scopes: ['openid', 'offline_access'],
      ttlMs: 30 * 24 * 3_600_000,
    });
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 }).privateKey;
    const macKey = new Uint8Array(hkdfSync('sha256', randomBytes(32), new Uint8Array(0), 'dex access token v1', 32));
    const now = Math.floor(Date.now() / 1000);
    const accessClaims = () => ({ client_id: client.id, scope: 'openid offline_access', jti: randomUUID() });
    const idClaims = { name: 'Bench User', email: 'bench@example.com', email_verified: true, at_hash: 'x'.repeat(22) };
    const jwtBody = (header: object, claims: object) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(
        JSON.stringify({ ...claims, iss: 'http://127.0.0.1/dex', sub: user.id, aud: client.id, iat: now, exp: now + 3600 }),
      ).toString('base64url')}`;

    return [
      await cost('authenticateClient (client + includes)', calls, statements, () =>
        authenticateClient(db.prisma, { id: client.id, secret }),
      ),
      await cost('rotateRefreshToken (find + tx update/insert)', calls, statements, async () => {
        const result = await rotateRefreshToken(db.prisma, { token, clientId: client.id, idleTtlMs: 3_600_000 });
        if (result.status !== 'ok') throw new Error(`rotateRefreshToken: ${result.status}`);
        token = result.token;
      }),
      await cost('findUserById', calls, statements, () => findUserById(db.prisma, user.id)),
      await cost('HS256 access token (jose, WebCrypto)', calls, statements, () =>
        new SignJWT(accessClaims())
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
          .setIssuer('http://127.0.0.1/dex')
          .setSubject(user.id)
          .setAudience(client.id)
          .setIssuedAt(now)
          .setExpirationTime(now + 3600)
          .sign(macKey),
      ),
      await cost('RS256 ID token (jose, WebCrypto)', calls, statements, () =>
        new SignJWT(idClaims)
          .setProtectedHeader({ alg: 'RS256', kid: 'k', typ: 'JWT' })
          .setIssuer('http://127.0.0.1/dex')
          .setSubject(user.id)
          .setAudience(client.id)
          .setIssuedAt(now)
          .setExpirationTime(now + 3600)
          .sign(rsaKey),
      ),
      await cost('for comparison: HS256 JWT with createHmac', calls, statements, () => {
        const body = jwtBody({ alg: 'HS256', typ: 'at+jwt' }, accessClaims());
        return `${body}.${createHmac('sha256', macKey).update(body).digest('base64url')}`;
      }),
      await cost('for comparison: RS256 JWT with crypto.sign', calls, statements, () => {
        const body = jwtBody({ alg: 'RS256', kid: 'k', typ: 'JWT' }, idClaims);
        return `${body}.${sign('sha256', Buffer.from(body), rsaKey).toString('base64url')}`;
      }),
      await cost('for comparison: prisma SELECT 1', calls, statements, () => db.prisma.$queryRawUnsafe('SELECT 1')),
    ];
  } finally {
    await db.close();
  }
}
