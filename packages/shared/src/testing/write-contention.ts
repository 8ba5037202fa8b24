import { createHash, randomBytes } from 'node:crypto';
import { walkLogin } from './browserless-login.ts';
import { runBin } from './run-command.ts';

/**
 * Writers against a live deployment while a worker serves refresh grants: what the embedded
 * SQLite store must hold (several processes on one file). Used by the contention tests and by
 * the bench, which print the same figures.
 */

/** `Authorization: Basic` for client credentials, form-encoded first as RFC 6749 §2.3.1 asks. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export interface RefreshClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The query of an authorization request for a refresh token (`openid offline_access`, PKCE
 * S256, a random state) and the PKCE verifier its code must be redeemed with.
 * @example const { query, verifier } = offlineAuthorizationRequest({ clientId, redirectUri });
 */
export function offlineAuthorizationRequest(options: { clientId: string; redirectUri: string; scope?: string }): {
  query: URLSearchParams;
  verifier: string;
} {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid offline_access',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return { query, verifier };
}

/**
 * Logs a user in through the worker's real pages (see `walkLogin`) with PKCE and
 * `offline_access`, redeems the code and returns the refresh token: the head of a new chain.
 * @example const token = await loginForRefreshToken({ issuer, clientId, clientSecret, redirectUri, login, password });
 */
export async function loginForRefreshToken(
  options: RefreshClient & { redirectUri: string; login: string; password: string },
): Promise<string> {
  const { query, verifier } = offlineAuthorizationRequest(options);
  const authUrl = new URL(`${options.issuer}/auth`);
  authUrl.search = query.toString();
  const walk = await walkLogin(authUrl.toString(), { login: options.login, password: options.password });
  const code = walk.location === null ? null : new URL(walk.location, authUrl).searchParams.get('code');
  if (code === null) throw new Error(`the login answered ${walk.status} ${walk.location ?? ''}: ${walk.body.slice(0, 300)}`);
  const response = await fetch(`${options.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(options.clientId, options.clientSecret) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: options.redirectUri }),
  });
  const tokens = (await response.json()) as { refresh_token?: unknown };
  if (response.status !== 200 || typeof tokens.refresh_token !== 'string') {
    throw new Error(`the code exchange answered ${response.status}: ${JSON.stringify(tokens).slice(0, 300)}`);
  }
  return tokens.refresh_token;
}

export interface RefreshChainStats {
  /** Refresh grants answered 200 with a new refresh token. */
  ok: number;
  /** Grants that failed (a failed grant ends its chain: the chain cannot go on). */
  failed: number;
  /** The first failure, for the assertion message. */
  firstFailure?: string;
}

export interface RefreshChains {
  /** Counts so far. */
  stats(): RefreshChainStats;
  /** Lets every chain finish its request in flight, then returns the counts. */
  stop(): Promise<RefreshChainStats>;
}

/**
 * Drives one refresh-token chain per token against the worker's `/token`, back to back: each
 * chain always sends the refresh token its previous answer returned (tokens rotate, a reused
 * one revokes its family). Runs until `stop()`.
 * @example const load = startRefreshChains({ issuer, clientId, clientSecret, tokens }); ...; const { failed } = await load.stop();
 */
export function startRefreshChains(options: RefreshClient & { tokens: readonly string[] }): RefreshChains {
  const counts: RefreshChainStats = { ok: 0, failed: 0 };
  const authorization = basicAuth(options.clientId, options.clientSecret);
  let stopping = false;
  const chain = async (first: string) => {
    let token = first;
    while (!stopping) {
      let problem: string | undefined;
      try {
        const response = await fetch(`${options.issuer}/token`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
        });
        const body = await response.text();
        const next = response.status === 200 ? (JSON.parse(body) as { refresh_token?: unknown }).refresh_token : undefined;
        if (typeof next === 'string') token = next;
        else problem = `${response.status} ${body.slice(0, 300)}`;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (problem !== undefined) {
        counts.failed++;
        counts.firstFailure ??= problem;
        return;
      }
      counts.ok++;
    }
  };
  const running = Promise.all(options.tokens.map(chain));
  return {
    stats: () => ({ ...counts }),
    async stop() {
      stopping = true;
      await running;
      return { ...counts };
    },
  };
}

/** One write, timed from start to end (a dexctl command: the whole process, start-up included). */
export interface TimedWrite {
  /** `dexctl rotate-client-secret`, `admin PATCH client`, ... */
  name: string;
  ok: boolean;
  ms: number;
  /** dexctl only: the part spent in the database, from opening it to closing it (its `--log-debug` line). */
  databaseMs?: number;
  /** dexctl only: the part of `databaseMs` spent waiting while other processes held SQLite's write lock. */
  lockWaitMs?: number;
  /** Why it failed: the exit status and stderr, or the HTTP status and body. */
  problem?: string;
}

async function timed(name: string, run: () => Promise<string | undefined>): Promise<TimedWrite> {
  const started = performance.now();
  let problem: string | undefined;
  try {
    problem = await run();
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  const ms = performance.now() - started;
  return problem === undefined ? { name, ok: true, ms } : { name, ok: false, ms, problem };
}

/** dexctl's `--log-debug` line after a command, with the time it spent in the database. */
const DATABASE_TIME = /^dexctl: debug: closed the database after (\d+) ms \((\d+) ms waiting for other writers\)$/m;
const DEBUG_LINE = /^dexctl: debug: /;

const CONNECTORS = '[{"type":"local","id":"local"}]';

/**
 * One round of a `dexctl --db-url` writer: every write command once, each a process of its
 * own, in the order a script would run them: new-client, rotate-client-secret, create-user,
 * disable-user, set-connector-configs (the local connector, unchanged), delete-client. Names
 * carry `tag` so concurrent writers never collide. A command that fails is recorded and the
 * round goes on where it can.
 * @example const writes = await dexctlWriterRound({ dbUrl, tag: 'w1-r3' });
 */
export async function dexctlWriterRound(options: { dbUrl: string; tag: string }): Promise<TimedWrite[]> {
  const writes: TimedWrite[] = [];
  const run = async (command: string, args: readonly string[], input?: string) => {
    let stdout = '';
    let measured: { databaseMs: number; lockWaitMs: number } | undefined;
    const write = await timed(`dexctl ${command}`, async () => {
      const result = await runBin('dexctl', ['--log-debug', '--db-url', options.dbUrl, command, ...args], {
        ...(input === undefined ? {} : { input }),
        timeoutMs: 120_000,
      });
      stdout = result.stdout;
      const [, databaseMs, lockWaitMs] = DATABASE_TIME.exec(result.stderr) ?? [];
      if (databaseMs !== undefined) measured = { databaseMs: Number(databaseMs), lockWaitMs: Number(lockWaitMs) };
      const errors = result.stderr.split('\n').filter((line) => line !== '' && !DEBUG_LINE.test(line));
      return result.code === 0 ? undefined : `exit ${result.code}: ${errors.join(' ').slice(0, 300)}`;
    });
    writes.push({ ...write, ...measured });
    return write.ok ? stdout : undefined;
  };
  const created = await run('new-client', [`http://127.0.0.1:5555/callback/${options.tag}`]);
  const clientId = /^DEX_APP_CLIENT_ID=(.*)$/m.exec(created ?? '')?.[1]?.replace(/^'|'$/g, '');
  if (clientId !== undefined) await run('rotate-client-secret', [clientId]);
  const email = `writer-${options.tag}@example.com`;
  if ((await run('create-user', ['--password-stdin', email], 'writer-password-1\n')) !== undefined) await run('disable-user', [email]);
  await run('set-connector-configs', ['-'], CONNECTORS);
  if (clientId !== undefined) await run('delete-client', [clientId]);
  return writes;
}

/**
 * One round of an admin API writer: create a client, rotate its secret, PATCH it, DELETE it.
 * A write fails when it does not get its 2xx (a 5xx is what the contention tests look for).
 * @example const writes = await adminApiWriterRound({ adminUrl, adminSecret, tag: 'a1-r3' });
 */
export async function adminApiWriterRound(options: { adminUrl: string; adminSecret: string; tag: string }): Promise<TimedWrite[]> {
  const writes: TimedWrite[] = [];
  const call = async (name: string, method: string, path: string, body?: unknown) => {
    let json: unknown;
    const write = await timed(`admin ${name}`, async () => {
      const response = await fetch(`${options.adminUrl}${path}`, {
        method,
        headers: { authorization: options.adminSecret, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) return `${response.status} ${text.slice(0, 300)}`;
      json = text === '' ? undefined : JSON.parse(text);
      return undefined;
    });
    writes.push(write);
    return write.ok ? json : undefined;
  };
  const created = (await call('create client', 'POST', '/api/v1/clients', {
    redirectUris: [`http://127.0.0.1:5555/callback/${options.tag}`],
    name: `writer ${options.tag}`,
  })) as { client?: { id?: unknown } } | undefined;
  const id = created?.client?.id;
  if (typeof id !== 'string') return writes;
  const path = `/api/v1/clients/${encodeURIComponent(id)}`;
  await call('rotate client secret', 'POST', `${path}/secret`);
  await call('PATCH client', 'PATCH', path, {
    name: `writer ${options.tag} renamed`,
    redirectUris: [`http://127.0.0.1:5555/cb/${options.tag}`],
  });
  await call('DELETE client', 'DELETE', path);
  return writes;
}

/**
 * Runs `writers` concurrent loops of `round` for `rounds` rounds each and returns every write.
 * @example const writes = await runWriters({ writers: 5, rounds: 2, round: (tag) => dexctlWriterRound({ dbUrl, tag }) });
 */
export async function runWriters(options: {
  writers: number;
  rounds: number;
  round(tag: string): Promise<TimedWrite[]>;
}): Promise<TimedWrite[]> {
  const loops = Array.from({ length: options.writers }, async (_, writer) => {
    const writes: TimedWrite[] = [];
    for (let round = 0; round < options.rounds; round++)
      writes.push(...(await options.round(`w${writer}-r${round}-${randomBytes(3).toString('hex')}`)));
    return writes;
  });
  return (await Promise.all(loops)).flat();
}

export interface WriteSummary {
  /** A write's name, or `all` for every write. */
  name: string;
  count: number;
  failed: number;
  /** Whole writes (for dexctl: the process, start-up included). */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** dexctl only: the part spent in the database (NaN for other writes). */
  databaseP50Ms: number;
  databaseP95Ms: number;
  /** dexctl only: the part of that spent waiting for other processes' write lock. */
  lockWaitP50Ms: number;
  lockWaitP95Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Latency percentiles and failures per kind of write, then for all of them (`all`, last).
 * @example for (const row of summarizeWrites(writes)) console.log(row.name, row.p50Ms, row.p95Ms, row.failed);
 */
export function summarizeWrites(writes: readonly TimedWrite[]): WriteSummary[] {
  const groups = new Map<string, TimedWrite[]>();
  for (const write of writes) groups.set(write.name, [...(groups.get(write.name) ?? []), write]);
  const summary = (name: string, group: readonly TimedWrite[]): WriteSummary => {
    const sortedBy = (value: (write: TimedWrite) => number | undefined) =>
      group.flatMap((write) => value(write) ?? []).sort((a, b) => a - b);
    const inDatabase = sortedBy((write) => write.databaseMs);
    const waiting = sortedBy((write) => write.lockWaitMs);
    const sorted = sortedBy((write) => write.ms);
    return {
      name,
      count: group.length,
      failed: group.filter((write) => !write.ok).length,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      maxMs: sorted.at(-1) ?? Number.NaN,
      databaseP50Ms: percentile(inDatabase, 50),
      databaseP95Ms: percentile(inDatabase, 95),
      lockWaitP50Ms: percentile(waiting, 50),
      lockWaitP95Ms: percentile(waiting, 95),
    };
  };
  return [...[...groups].map(([name, group]) => summary(name, group)), summary('all', writes)];
}
