import {
  MASKED_SECRET,
  type TAuditEvent,
  type TClient,
  type TConnector,
  type TConnectorProblem,
  type TLoginEvent,
  type TProcess,
  type TSigningKey,
  type TUser,
} from '@dex/shared/admin-api';
import type { AppErrorJson } from '@dex/shared/errors';
import type { ActiveConnection, BridgeResult, ConnectionProfile, ConsoleApi } from '../../src/shared/console-api.ts';

/**
 * An in-memory overlord behind the bridge interface, for component tests: the screens talk
 * to it exactly as to the desktop or web bridge. Its rules are the few the screens rely on;
 * the Playwright suite checks the real overlord.
 */
export interface FakeOverlord {
  bridge: ConsoleApi & { profiles?: NonNullable<ConsoleApi['profiles']>; signIn?: NonNullable<ConsoleApi['signIn']> };
  clients: TClient[];
  connectors: TConnector[];
  keys: TSigningKey[];
  users: TUser[];
  audit: TAuditEvent[];
  /** The workers' login events, newest first. */
  events: TLoginEvent[];
  /** What the workers and overlords report (their heartbeats). */
  processes: TProcess[];
  /** Every call, as `area.method` with its arguments. */
  calls: { name: string; args: unknown[] }[];
  /** The secret `connect` accepts (web). */
  secret: string;
  /** Whether the overlord has an emailer: without, invitation and reset links come back instead of being sent. */
  hasEmailer: boolean;
  connection: ActiveConnection | null;
}

const NOW = Date.parse('2026-01-10T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function makeClient(overrides: Partial<TClient> = {}): TClient {
  return {
    id: 'billing-app',
    name: 'Billing',
    logoUri: null,
    clientUri: null,
    redirectUris: ['https://billing.example.com/callback'],
    trustedPeers: [],
    admin: false,
    public: false,
    trusted: false,
    registered: false,
    accessTokenFormat: 'opaque',
    createdAt: iso(NOW - 48 * HOUR),
    updatedAt: iso(NOW - 48 * HOUR),
    ...overrides,
  };
}

export function makeConnector(config: Record<string, unknown> & { id: string; type: string }, position: number): TConnector {
  return { id: config.id, type: config.type, position, config, createdAt: iso(NOW), updatedAt: iso(NOW) };
}

export function makeUser(overrides: Partial<TUser> = {}): TUser {
  return {
    id: 'user-1',
    email: 'ann@example.com',
    displayName: 'Ann',
    emailVerified: true,
    admin: false,
    disabled: false,
    createdAt: iso(NOW - 24 * HOUR),
    hasPassword: true,
    connectors: [],
    ...overrides,
  };
}

/** A process as its heartbeat shows it, seen a second ago. */
export function makeProcess(overrides: Partial<TProcess> = {}): TProcess {
  return {
    id: 'worker-a',
    kind: 'worker',
    version: '0.1.0',
    address: 'http://10.0.0.1:5556/dex',
    startedAt: iso(Date.now() - HOUR),
    lastSeenAt: iso(Date.now() - 1_000),
    state: 'healthy',
    silentForSeconds: 1,
    signingKeyId: 'kid-active',
    publishedKeyIds: ['kid-next', 'kid-active', 'kid-retired'],
    connectors: { local: 'ok' },
    ...overrides,
  };
}

/** The chain a running overlord has: one next, one active, one retired key, the rotation at `now + 6 h`. */
export function makeKeyChain(now = Date.now()): TSigningKey[] {
  return [
    {
      kid: 'kid-next',
      alg: 'RS256',
      state: 'next',
      createdAt: iso(now - HOUR),
      activatesAt: iso(now + 6 * HOUR),
      retiresAt: iso(now + 30 * HOUR),
      expiresAt: iso(now + 54 * HOUR),
    },
    {
      kid: 'kid-active',
      alg: 'RS256',
      state: 'active',
      createdAt: iso(now - 20 * HOUR),
      activatesAt: iso(now - 18 * HOUR),
      retiresAt: iso(now + 6 * HOUR),
      expiresAt: iso(now + 30 * HOUR),
    },
    {
      kid: 'kid-retired',
      alg: 'RS256',
      state: 'retired',
      createdAt: iso(now - 44 * HOUR),
      activatesAt: iso(now - 42 * HOUR),
      retiresAt: iso(now - 18 * HOUR),
      expiresAt: iso(now + 6 * HOUR),
    },
  ];
}

const ok = <T>(data: T): Promise<BridgeResult<T>> => Promise.resolve({ ok: true, data });
const fail = (code: AppErrorJson['code'], message: string): Promise<BridgeResult<never>> =>
  Promise.resolve({ ok: false, error: { code, message } });

/** What the fake's validate endpoint refuses: the required fields of the types the forms cover. */
const REQUIRED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  local: [],
  oidc: ['issuerURL', 'clientID', 'clientSecret'],
  ldap: ['host'],
};

export function validateFake(input: unknown): TConnectorProblem[] {
  if (typeof input !== 'object' || input === null) return [{ path: '', message: 'must be a JSON object' }];
  const config = input as Record<string, unknown>;
  const problems: TConnectorProblem[] = [];
  if (typeof config.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(config.id)) {
    problems.push({ path: 'id', message: 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit' });
  }
  const required = REQUIRED_FIELDS[String(config.type)];
  if (required === undefined) return [...problems, { path: 'type', message: `unknown connector type ${JSON.stringify(config.type)}` }];
  for (const field of required) {
    if (config[field] === undefined || config[field] === '') problems.push({ path: field, message: 'is required' });
  }
  if (typeof config.issuerURL === 'string' && config.issuerURL !== '' && !/^https?:\/\/\S+$/.test(config.issuerURL)) {
    problems.push({ path: 'issuerURL', message: 'must be an http(s) URL' });
  }
  return problems;
}

const mask = (config: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, /secret|password|pw$/i.test(key) && value !== '' ? MASKED_SECRET : value]),
  );

export function createFakeOverlord(
  options: { kind?: 'web' | 'desktop'; profiles?: ConnectionProfile[]; signedIn?: boolean } = {},
): FakeOverlord {
  const profile: ConnectionProfile = { id: 'web', name: 'dex.example.com', baseUrl: 'https://dex.example.com' };
  const profiles = [...(options.profiles ?? [])];
  const fake: FakeOverlord = {
    clients: [makeClient(), makeClient({ id: 'cli', name: 'Command line', public: true, redirectUris: [] })],
    connectors: [makeConnector({ type: 'local', id: 'local' }, 0)],
    keys: makeKeyChain(),
    users: [makeUser(), makeUser({ id: 'user-2', email: 'bob@example.com', displayName: 'Bob', admin: true })],
    audit: [
      {
        id: 'a1',
        at: iso(NOW),
        actor: 'admin-api',
        action: 'client.create',
        targetType: 'client',
        targetId: 'billing-app',
        before: null,
        after: { id: 'billing-app' },
      },
    ],
    events: [
      {
        id: 'e1',
        at: iso(NOW),
        type: 'failure',
        reason: 'invalid_credentials',
        userId: null,
        email: 'alice@example.com',
        connectorId: 'local',
        clientId: 'billing-app',
        clientAddress: '192.0.2.10',
      },
    ],
    processes: [
      makeProcess(),
      makeProcess({ id: 'worker-b', address: 'http://10.0.0.2:5556/dex' }),
      makeProcess({
        id: 'overlord-a',
        kind: 'overlord',
        address: 'http://10.0.0.1:5557',
        signingKeyId: null,
        publishedKeyIds: [],
        connectors: {},
      }),
    ],
    calls: [],
    secret: 'the-right-secret',
    hasEmailer: true,
    connection: null,
    bridge: undefined as unknown as FakeOverlord['bridge'],
  };
  const state = () => ({
    AdminUserCreated: true,
    clients: fake.clients.length,
    users: fake.users.length,
    connectors: fake.connectors.length,
    database: 'sqlite' as const,
    version: '0.1.0',
  });
  const record = (name: string, args: unknown[]) => fake.calls.push({ name, args });
  const audit = (action: string, targetType: string, targetId: string) =>
    fake.audit.unshift({
      id: `a${fake.audit.length + 1}`,
      at: new Date().toISOString(),
      actor: 'admin-api',
      action,
      targetType,
      targetId,
      before: null,
      after: null,
    });
  const findClient = (id: string) => fake.clients.find((client) => client.id === id);
  const findUser = (id: string) => fake.users.find((user) => user.id === id);
  const setUser = (id: string, changes: Partial<TUser>) => {
    const user = findUser(id);
    if (user === undefined) return fail('NOT_FOUND', `user ${id} not found`);
    Object.assign(user, changes);
    return ok({ ...user });
  };
  if (options.signedIn === true) fake.connection = { profile, state: state() };
  /** Ends the desktop sign-in with dex that waits for the browser ("Slow browser" profile). */
  let cancelSignIn: (() => void) | undefined;

  fake.bridge = {
    kind: options.kind ?? 'web',
    ...(options.kind === 'desktop'
      ? {
          profiles: {
            list: () => ok([...profiles]),
            save: (input) => {
              record('profiles.save', [input]);
              const saved = { id: input.id ?? `profile-${profiles.length + 1}`, name: input.name, baseUrl: input.baseUrl };
              profiles.push(saved);
              return ok(saved);
            },
            remove: (id) => {
              record('profiles.remove', [id]);
              profiles.splice(
                profiles.findIndex((item) => item.id === id),
                1,
              );
              return ok(undefined);
            },
          },
          signIn: {
            withDex: (input) => {
              record('signIn.withDex', [input]);
              const chosen = profiles.find((item) => item.id === input.profileId);
              if (chosen === undefined) return fail('NOT_FOUND', 'no such profile');
              if (chosen.name === 'Not an admin')
                return fail('FORBIDDEN', 'bob@example.com is not an admin of this dex (or is disabled), so it cannot use the console');
              if (chosen.name === 'Slow browser') {
                // Waits for the browser until cancelled, as the main process does.
                return new Promise((resolve) => {
                  cancelSignIn = () => resolve(fail('UNAUTHORIZED', 'the sign-in was cancelled'));
                });
              }
              fake.connection = { profile: chosen, state: state(), signedInAs: 'ann@example.com' };
              return ok(fake.connection);
            },
            cancel: () => {
              record('signIn.cancel', []);
              cancelSignIn?.();
              return ok(undefined);
            },
          },
        }
      : {}),
    connection: {
      current: () => ok(fake.connection),
      connect: (input) => {
        record('connection.connect', [input]);
        if (options.kind === 'desktop') {
          const chosen = profiles.find((item) => item.id === input.profileId);
          if (chosen === undefined) return fail('NOT_FOUND', 'no such profile');
          fake.connection = { profile: chosen, state: state() };
          return ok(fake.connection);
        }
        if (input.secret !== fake.secret) {
          return fail('UNAUTHORIZED', 'the admin API at https://dex.example.com refused the admin secret (invalid admin API secret)');
        }
        fake.connection = { profile, state: state() };
        return ok(fake.connection);
      },
      disconnect: () => {
        fake.connection = null;
        return ok(undefined);
      },
    },
    overview: {
      health: () => ok({ status: 'ok' as const, database: 'sqlite' as const }),
      state: () => ok(state()),
      processes: () => {
        const live = fake.processes.filter((p) => p.kind === 'worker' && p.state !== 'silent');
        const signingKeyIds = [...new Set(live.map((p) => p.signingKeyId ?? '(none)'))].sort();
        return ok({ processes: [...fake.processes], heartbeatSeconds: 5, signingKeyIds, keysAgree: signingKeyIds.length <= 1 });
      },
    },
    clients: {
      list: (query = {}) => {
        record('clients.list', [query]);
        const q = query.q?.toLowerCase() ?? '';
        const matches = fake.clients.filter((client) => client.id.toLowerCase().includes(q) || client.name.toLowerCase().includes(q));
        const start = query.cursor === undefined ? 0 : Number(query.cursor);
        const limit = query.limit ?? 50;
        const items = matches.slice(start, start + limit);
        return ok({ items, total: matches.length, nextCursor: start + limit < matches.length ? String(start + limit) : null });
      },
      get: (id) => {
        const client = findClient(id);
        return client === undefined ? fail('NOT_FOUND', `client ${id} not found`) : ok(client);
      },
      create: (request) => {
        record('clients.create', [request]);
        if (!request.public && request.redirectUris.length === 0) return fail('BAD_REQUEST', 'at least one redirect URI is required');
        const client = makeClient({
          id: request.id ?? 'generated-id',
          name: request.name ?? '',
          redirectUris: request.redirectUris,
          public: request.public ?? false,
          admin: request.admin ?? false,
        });
        fake.clients.push(client);
        audit('client.create', 'client', client.id);
        return ok({ client, secret: 'c2VjcmV0LXNob3duLW9uY2U' });
      },
      update: (id, changes) => {
        record('clients.update', [id, changes]);
        const client = findClient(id);
        if (client === undefined) return fail('NOT_FOUND', `client ${id} not found`);
        Object.assign(client, changes);
        return ok({ ...client });
      },
      remove: (id) => {
        record('clients.remove', [id]);
        fake.clients = fake.clients.filter((client) => client.id !== id);
        audit('client.delete', 'client', id);
        return ok(undefined);
      },
      rotateSecret: (id) => {
        record('clients.rotateSecret', [id]);
        return ok({ secret: 'bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbg' });
      },
    },
    connectors: {
      // The fake reaches nothing: the real checks run in the overlord (e2e and apps/overlord tests).
      test: (request) => {
        record('connectors.test', [request]);
        return ok({ ok: true, steps: [{ name: 'Nothing to connect to', ok: true, message: 'fake bridge', elapsedMs: 0 }] });
      },
      list: () => {
        const items = [...fake.connectors]
          .sort((a, b) => a.position - b.position)
          .map((item) => ({ ...item, config: mask(item.config) as TConnector['config'] }));
        return ok({ connectors: items.map((item) => item.config), items });
      },
      get: (id) => {
        const connector = fake.connectors.find((item) => item.id === id);
        return connector === undefined ? fail('NOT_FOUND', `connector ${id} not found`) : ok(connector);
      },
      create: (request) => {
        record('connectors.create', [request]);
        const problems = validateFake(request);
        if (problems.length > 0) return fail('BAD_REQUEST', problems.map((problem) => `${problem.path} ${problem.message}`).join('; '));
        const { position, ...config } = request;
        if (fake.connectors.some((item) => item.id === config.id)) return fail('CONFLICT', `connector "${config.id}" already exists`);
        const connector = makeConnector(config as TConnector['config'], position ?? fake.connectors.length);
        fake.connectors.push(connector);
        return ok(connector);
      },
      update: (id, changes) => {
        record('connectors.update', [id, changes]);
        const connector = fake.connectors.find((item) => item.id === id);
        if (connector === undefined) return fail('NOT_FOUND', `connector ${id} not found`);
        const { position, ...fields } = changes;
        for (const [key, value] of Object.entries(fields)) {
          if (value === null) delete connector.config[key];
          else if (value !== MASKED_SECRET) connector.config[key] = value;
        }
        if (position !== undefined) {
          const others = fake.connectors.filter((item) => item !== connector).sort((a, b) => a.position - b.position);
          others.splice(position, 0, connector);
          others.forEach((item, index) => {
            item.position = index;
          });
        }
        return ok(connector);
      },
      remove: (id) => {
        record('connectors.remove', [id]);
        fake.connectors = fake.connectors.filter((item) => item.id !== id);
        return ok(undefined);
      },
      validate: (input) => {
        record('connectors.validate', [input]);
        const problems = validateFake(input);
        return ok(problems.length === 0 ? { valid: true as const } : { valid: false as const, errors: problems });
      },
    },
    keys: {
      list: () => {
        const active = fake.keys.find((key) => key.state === 'active');
        return ok({ keys: [...fake.keys], nextRotationAt: active?.retiresAt ?? null, keyPeriodSeconds: 86_400, publishDelaySeconds: 300 });
      },
      // Publish-first, with a successor published long before: it signs at once.
      rotate: (request) => {
        record('keys.rotate', request === undefined ? [] : [request]);
        const now = Date.now();
        const previous = fake.keys.find((key) => key.state === 'active');
        // Immediate (a leaked key): every key withdrawn, a fresh one signs at once.
        if (request?.mode === 'immediate') {
          const withdrawn = fake.keys.map((key) => key.kid);
          fake.keys = [
            {
              kid: 'kid-fresh',
              alg: 'RS256',
              state: 'active',
              createdAt: iso(now),
              activatesAt: iso(now),
              retiresAt: iso(now + 24 * HOUR),
              expiresAt: iso(now + 48 * HOUR),
            },
          ];
          return ok({
            mode: 'immediate' as const,
            kid: 'kid-fresh',
            publishedAt: iso(now),
            activatesAt: iso(now),
            previousKid: previous?.kid ?? null,
            previousRetiresAt: previous === undefined ? null : iso(now),
            previousExpiresAt: previous === undefined ? null : iso(now),
            withdrawn,
            publishDelaySeconds: 300,
            keys: [...fake.keys],
          });
        }
        for (const key of fake.keys) {
          if (key.state === 'active') Object.assign(key, { state: 'retired', retiresAt: iso(now) });
        }
        const next = fake.keys.find((key) => key.state === 'next');
        if (next !== undefined) Object.assign(next, { state: 'active', activatesAt: iso(now), retiresAt: iso(now + 24 * HOUR) });
        fake.keys.unshift({
          kid: 'kid-newest',
          alg: 'RS256',
          state: 'next',
          createdAt: iso(now),
          activatesAt: iso(now + 24 * HOUR),
          retiresAt: null,
          expiresAt: null,
        });
        return ok({
          mode: request?.mode ?? 'publish-first',
          kid: next?.kid ?? 'kid-newest',
          publishedAt: next?.createdAt ?? iso(now),
          activatesAt: iso(now),
          previousKid: previous?.kid ?? null,
          previousRetiresAt: previous === undefined ? null : iso(now),
          previousExpiresAt: previous === undefined ? null : iso(now + 24 * HOUR),
          withdrawn: [],
          publishDelaySeconds: 300,
          keys: [...fake.keys],
        });
      },
    },
    users: {
      list: (query = {}) => {
        const q = query.q?.toLowerCase() ?? '';
        const items = fake.users.filter((user) => user.email.includes(q) || user.displayName.toLowerCase().includes(q));
        return ok({ items, total: items.length, nextCursor: null });
      },
      get: (id) => {
        const user = findUser(id);
        return user === undefined ? fail('NOT_FOUND', `user ${id} not found`) : ok(user);
      },
      create: (request) => {
        record('users.create', [request]);
        const user = makeUser({
          id: `user-${fake.users.length + 1}`,
          email: request.email,
          displayName: request.displayName ?? '',
          admin: request.admin ?? false,
          emailVerified: request.emailVerified ?? false,
          hasPassword: request.password !== undefined,
        });
        fake.users.push(user);
        // Invited in the same request: sent, or the link back without an emailer.
        if (request.sendInvitation === true)
          return ok({
            ...user,
            invitation: fake.hasEmailer
              ? { emailSent: true }
              : { emailSent: false, resetPasswordLink: `http://127.0.0.1:5556/dex/accept-invitation?token=for-${user.id}` },
          });
        return ok(user);
      },
      update: (id, changes) => {
        record('users.update', [id, changes]);
        return setUser(id, changes);
      },
      remove: (id) => {
        record('users.remove', [id]);
        fake.users = fake.users.filter((user) => user.id !== id);
        audit('user.delete', 'user', id);
        return ok(undefined);
      },
      disable: (id) => {
        record('users.disable', [id]);
        return setUser(id, { disabled: true });
      },
      enable: (id) => {
        record('users.enable', [id]);
        return setUser(id, { disabled: false });
      },
      revokeTokens: (id) => {
        record('users.revokeTokens', [id]);
        return ok({ revokedRefreshTokens: 2, endedSessions: 1 });
      },
      sendInvitation: (id) => {
        record('users.sendInvitation', [id]);
        return ok(
          fake.hasEmailer
            ? { emailSent: true }
            : { emailSent: false, resetPasswordLink: `http://127.0.0.1:5556/dex/accept-invitation?token=for-${id}` },
        );
      },
      sendPasswordReset: (id) => {
        record('users.sendPasswordReset', [id]);
        return ok(
          fake.hasEmailer
            ? { emailSent: true }
            : { emailSent: false, resetPasswordLink: `http://127.0.0.1:5556/dex/reset-password?token=for-${id}` },
        );
      },
    },
    audit: {
      list: (query = {}) => {
        record('audit.list', [query]);
        const items = fake.audit.filter(
          (event) =>
            (query.action === undefined || event.action === query.action) &&
            (query.targetType === undefined || event.targetType === query.targetType) &&
            (query.targetId === undefined || event.targetId === query.targetId),
        );
        return ok({ items, nextCursor: null });
      },
    },
    events: {
      list: (query = {}) => {
        record('events.list', [query]);
        const items = fake.events.filter(
          (event) =>
            (query.type === undefined || event.type === query.type) &&
            (query.email === undefined || event.email === query.email.toLowerCase()) &&
            (query.clientId === undefined || event.clientId === query.clientId),
        );
        return ok({ items, nextCursor: null });
      },
    },
  };
  return fake;
}
