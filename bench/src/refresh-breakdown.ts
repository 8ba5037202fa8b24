import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { SignJWT } from 'jose';
import { AccessTokenKeys, createTokenStore, signIdToken } from '@dex/server';
import { createDatabase, migrateDatabase } from '@dex/shared/db';
import { issueRefreshToken, rotateRefreshToken, rotateRefreshTokenIn } from '@dex/shared/domain/auth';
import { authenticateClient, createClient, verifyClientSecret } from '@dex/shared/domain/clients';
import { createUser } from '@dex/shared/domain/users';

/** The cost of one step of the refresh grant, called back to back in this process. */
export interface StepCost {
  step: string;
  /** CPU time per call (this process, all threads: WebCrypto signs on libuv's thread pool). */
  cpuMs: number;
  wallMs: number;
  /** SQL statements prepared per call (better-sqlite3 `prepare`; the Prisma adapter prepares each query anew, the token store never). */
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
 * What the worker's refresh grant is made of, step by step, without HTTP: the token store
 * calls it makes (the worker's own, prepared SQL on a scratch SQLite database) and the two
 * JWTs it signs (HS256 access token with createHmac, RS256 ID token with crypto.sign on the
 * thread pool), plus the Prisma and jose ways for comparison. Sequential calls; a few
 * seconds in all. Rotations here commit one by one (the worker groups concurrent ones).
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
    const signingKey = { kid: 'k', alg: 'RS256' as const, privateKey: rsaKey };
    const accessTokens = new AccessTokenKeys([randomBytes(32)]);
    const store = createTokenStore(db.driver);
    const issuer = 'http://127.0.0.1/dex';
    const scopes = ['openid', 'offline_access'];
    const accessToken = () =>
      accessTokens.sign({ issuer, subject: user.id, clientId: client.id, scopes, ttlMs: 3_600_000, now: Date.now() });
    const idTokenInput = Buffer.from(`${'h'.repeat(36)}.${'p'.repeat(400)}`);
    let prismaToken = await issueRefreshToken(db.prisma, {
      userId: user.id,
      clientId: client.id,
      connectorId: 'local',
      scopes,
      ttlMs: 30 * 24 * 3_600_000,
    });

    return [
      await cost('client authentication (token store + secret check)', calls, statements, async () =>
        verifyClientSecret(await store.findClientCredentials(client.id), secret),
      ),
      await cost('refresh rotation (token store: read with user, spend + insert)', calls, statements, async () => {
        const result = await rotateRefreshTokenIn(store, { token, clientId: client.id, idleTtlMs: 3_600_000 });
        if (result.status !== 'ok') throw new Error(`rotateRefreshTokenIn: ${result.status}`);
        token = result.token;
      }),
      await cost('HS256 access token (createHmac)', calls, statements, accessToken),
      await cost('RS256 ID token (signIdToken: crypto.sign on the thread pool)', calls, statements, () =>
        signIdToken({
          issuer,
          key: signingKey,
          user,
          clientId: client.id,
          scopes,
          accessToken: accessToken(),
          authTime: new Date(),
          ttlMs: 3_600_000,
          now: Date.now(),
        }),
      ),
      await cost('for comparison: crypto.sign alone (RS256, main thread)', calls, statements, () => sign('sha256', idTokenInput, rsaKey)),
      await cost('for comparison: authenticateClient (Prisma)', calls, statements, () =>
        authenticateClient(db.prisma, { id: client.id, secret }),
      ),
      await cost('for comparison: rotateRefreshToken (Prisma)', calls, statements, async () => {
        const result = await rotateRefreshToken(db.prisma, { token: prismaToken, clientId: client.id, idleTtlMs: 3_600_000 });
        if (result.status !== 'ok') throw new Error(`rotateRefreshToken: ${result.status}`);
        prismaToken = result.token;
      }),
      await cost('for comparison: RS256 ID token with jose (WebCrypto)', calls, statements, () =>
        new SignJWT({ name: 'Bench User', email: 'bench@example.com', email_verified: true, at_hash: 'x'.repeat(22) })
          .setProtectedHeader({ alg: 'RS256', kid: 'k', typ: 'JWT' })
          .setIssuer(issuer)
          .setSubject(user.id)
          .setAudience(client.id)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(rsaKey),
      ),
    ];
  } finally {
    await db.close();
  }
}
