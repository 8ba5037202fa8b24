import { createDatabase } from '@dex/shared/db';
import { createClient } from '@dex/shared/domain/clients';
import { createUser } from '@dex/shared/domain/users';
import {
  adminApiWriterRound,
  dexctlWriterRound,
  loginForRefreshToken,
  type RefreshClient,
  runWriters,
  startRefreshChains,
  summarizeWrites,
  type TimedWrite,
  testProviders,
} from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DexStack, startDexStack } from './support/dex-stack.ts';

const PG_SERVER_URL = process.env.DEX_TEST_PG_URL;
const REDIRECT_URI = 'http://127.0.0.1:5555/callback';
const USER = { login: 'refresher@example.com', password: 'refresher-password-1' };
/** Refresh token chains the worker serves back to back during the writes. */
const CHAINS = 4;
/** Concurrent writers (each a loop of dexctl processes, or of admin API calls). */
const WRITERS = 4;
/** The machine is shared: a dexctl process may take seconds to start when other suites run. */
const TEST_TIMEOUT_MS = 300_000;

/** Prints what was measured (timings are never asserted: the machine is shared and noisy). */
function report(title: string, writes: readonly TimedWrite[], refresh: { ok: number; failed: number }): void {
  const rows = summarizeWrites(writes).map((row) => {
    const database = Number.isNaN(row.databaseP50Ms)
      ? ''
      : `  in the database p50 ${row.databaseP50Ms.toFixed(0)} ms p95 ${row.databaseP95Ms.toFixed(0)} ms` +
        ` (waiting for the lock p50 ${row.lockWaitP50Ms.toFixed(0)} ms p95 ${row.lockWaitP95Ms.toFixed(0)} ms)`;
    return `  ${row.name.padEnd(30)} ${String(row.count).padStart(3)} × failed ${row.failed}  p50 ${row.p50Ms.toFixed(0)} ms p95 ${row.p95Ms.toFixed(0)} ms max ${row.maxMs.toFixed(0)} ms${database}`;
  });
  process.stdout.write(`${title}: ${refresh.ok} refresh grants (${refresh.failed} failed) meanwhile\n${rows.join('\n')}\n`);
}

/** The failed writes, readable in an assertion message. */
const failures = (writes: readonly TimedWrite[]) =>
  writes.filter((write) => !write.ok).map((write) => `${write.name}: ${write.problem ?? '?'}`);

/**
 * The embedded store under several processes: a worker serves refresh grants (real rotating
 * chains) while dexctl processes and admin API calls write to the same database.
 */
describe.each(testProviders(process.env))('writers while the worker serves refresh grants (%s)', (provider) => {
  let stack: DexStack;
  let client: RefreshClient;

  beforeAll(async () => {
    stack = await startDexStack(provider, { pgUrl: PG_SERVER_URL });
    const db = await createDatabase({ url: stack.dbUrl });
    try {
      // Trusted: the refresh load is about writes, not the approval screen.
      const created = await createClient(db.prisma, { redirectUris: [REDIRECT_URI], name: 'refresher', trusted: true });
      client = { issuer: stack.issuer, clientId: created.client.id, clientSecret: created.secret ?? '' };
      await createUser(db.prisma, { email: USER.login, password: USER.password, emailVerified: true });
    } finally {
      await db.close();
    }
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await stack?.stop();
  });

  /** Runs `write` while refresh chains run; returns the writes and what the chains got. */
  async function underRefreshLoad(write: () => Promise<TimedWrite[]>) {
    const tokens = [];
    for (let i = 0; i < CHAINS; i++) tokens.push(await loginForRefreshToken({ ...client, redirectUri: REDIRECT_URI, ...USER }));
    const chains = startRefreshChains({ ...client, tokens });
    try {
      const writes = await write();
      return { writes, refresh: await chains.stop() };
    } finally {
      await chains.stop();
    }
  }

  it(
    'completes every dexctl --db-url write, and every refresh grant, while both run',
    async () => {
      const { writes, refresh } = await underRefreshLoad(() =>
        runWriters({ writers: WRITERS, rounds: 1, round: (tag) => dexctlWriterRound({ dbUrl: stack.dbUrl, tag }) }),
      );
      report(`${WRITERS} dexctl --db-url writers (${provider})`, writes, refresh);
      expect(failures(writes)).toEqual([]);
      // Each round runs six commands; a round that lost one would have skipped what followed.
      expect(writes).toHaveLength(WRITERS * 6);
      expect(refresh.firstFailure).toBeUndefined();
      expect(refresh.failed).toBe(0);
      expect(refresh.ok).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'answers every admin API write (create, rotate secret, PATCH, DELETE a client) without a 5xx while dexctl writes too',
    async () => {
      const { writes, refresh } = await underRefreshLoad(async () => {
        const [admin, dexctl] = await Promise.all([
          runWriters({
            writers: WRITERS,
            rounds: 3,
            round: (tag) => adminApiWriterRound({ adminUrl: stack.adminUrl, adminSecret: stack.adminSecret, tag }),
          }),
          runWriters({ writers: 1, rounds: 1, round: (tag) => dexctlWriterRound({ dbUrl: stack.dbUrl, tag }) }),
        ]);
        return [...admin, ...dexctl];
      });
      report(`${WRITERS} admin API writers and a dexctl writer (${provider})`, writes, refresh);
      expect(failures(writes)).toEqual([]);
      expect(writes.filter((write) => write.name.startsWith('admin '))).toHaveLength(WRITERS * 3 * 4);
      expect(refresh.firstFailure).toBeUndefined();
      expect(refresh.failed).toBe(0);
      expect(refresh.ok).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );
});
