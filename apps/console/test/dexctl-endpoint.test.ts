import { createHash, randomBytes } from 'node:crypto';
import { createDatabase, type Database } from '@dex/shared/db';
import { listAuditEvents } from '@dex/shared/domain/audit';
import { testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DexStack, startDexStack } from './support/dex-stack.ts';
import { bash, dexctl, parseAssignments, STACK_FRAME } from './support/dexctl.ts';

const PG_SERVER_URL = process.env.DEX_TEST_PG_URL;
const FIRST_URL = 'http://127.0.0.1:5555/callback';
const SECOND_URL = 'http://127.0.0.1:5556/app/callback';

/**
 * The founding README's flow, verbatim: the first client comes from the database driver, as
 * an admin client; its id and secret then drive dexctl over the worker's HTTP API
 * (`--endpoint`), whose output is the same KEY=VALUE lines a shell evaluates.
 */
describe.each(testProviders(process.env))('dexctl --endpoint, the worker API v1 driver (%s)', (provider) => {
  let stack: DexStack;
  let db: Database;
  let admin: { id: string; secret: string };

  beforeAll(async () => {
    stack = await startDexStack(provider, { pgUrl: PG_SERVER_URL });
    db = await createDatabase({ url: stack.dbUrl, maxConnections: 1 });
    const first = await dexctl(['--db-url', stack.dbUrl, 'new-client', '--admin', FIRST_URL]);
    expect(first.code, first.stderr).toBe(0);
    const vars = parseAssignments(first.stdout);
    admin = { id: vars.DEX_APP_CLIENT_ID ?? '', secret: vars.DEX_APP_CLIENT_SECRET ?? '' };
  });
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  const endpoint = (client: { id: string; secret: string }) => [
    '--endpoint',
    stack.issuer,
    '--client-id',
    client.id,
    '--client-secret',
    client.secret,
  ];

  it('runs the README sequence: an admin client from the database, then new-client over HTTP, whose client logs a user in', async () => {
    const email = `endpoint-${randomBytes(4).toString('hex')}@example.com`;
    const password = randomBytes(12).toString('base64url');
    const shell = await bash(
      [
        'eval "$($DEXCTL --db-url "$DB" new-client --admin "$URL1")" || exit 9',
        // Created over HTTP with the admin client's own credentials (through the environment, as v0's DEXCTL_* variables).
        'DEXCTL_ENDPOINT="$ISSUER" DEXCTL_CLIENT_ID="$DEX_APP_CLIENT_ID" DEXCTL_CLIENT_SECRET="$DEX_APP_CLIENT_SECRET" \\',
        '  $DEXCTL create-user --password-stdin --email-verified "$EMAIL" <<<"$PASSWORD" >/dev/null || exit 8',
        'eval "$($DEXCTL --endpoint "$ISSUER" --client-id "$DEX_APP_CLIENT_ID" --client-secret "$DEX_APP_CLIENT_SECRET" new-client "$URL2")" || exit 7',
        'printf "%s\\n" "$DEX_APP_CLIENT_ID" "$DEX_APP_CLIENT_SECRET" "$DEX_APP_REDIRECTURL_0"',
      ].join('\n'),
      { DB: stack.dbUrl, ISSUER: stack.issuer, URL1: FIRST_URL, URL2: SECOND_URL, EMAIL: email, PASSWORD: password },
    );
    expect(shell.stderr).toBe('');
    expect(shell.code).toBe(0);
    const [clientId = '', clientSecret = '', redirectUri = ''] = shell.stdout.trimEnd().split('\n');
    expect(clientId).toMatch(/^[A-Za-z0-9_-]{43}@127\.0\.0\.1$/);
    expect(redirectUri).toBe(SECOND_URL);

    // The second client is a working client: a code flow with PKCE.
    const verifier = randomBytes(32).toString('base64url');
    const auth = new URL(`${stack.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid email',
      state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    // Created by an admin without --trusted, the client shows the approval screen: the user allows it.
    const walk = await walkLogin(auth.toString(), { login: email, password }, {}, { approve: true });
    expect(walk.status, walk.body.slice(0, 300)).toBe(302);
    const code = new URL(walk.location ?? '').searchParams.get('code') ?? '';
    const token = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri }),
    });
    expect(token.status).toBe(200);
    expect(await token.json()).toHaveProperty('id_token');
  });

  it('prints the same lines as the database driver for list-clients, get-client and list-users', async () => {
    // Read-only commands: all eight invocations at once.
    const commands = [['list-clients'], ['get-client', admin.id], ['list-users'], ['--json', 'get-client', admin.id]];
    const answers = await Promise.all(
      commands.map((args) => Promise.all([dexctl([...endpoint(admin), ...args]), dexctl(['--db-url', stack.dbUrl, ...args])])),
    );
    for (const [viaHttp, viaDb] of answers) {
      expect(viaHttp.stderr).toBe('');
      expect(viaHttp.code).toBe(0);
      expect(viaHttp.stdout).toBe(viaDb.stdout);
    }
  });

  it('rotates a secret, disables a user and deletes a client over HTTP, each in the audit log under the admin client', async () => {
    const email = `off-${randomBytes(4).toString('hex')}@example.com`;
    // The client's chain and the user's chain do not depend on each other: they run side by side.
    const clientChain = async () => {
      const created = parseAssignments((await dexctl([...endpoint(admin), 'new-client', SECOND_URL])).stdout);
      const other = created.DEX_APP_CLIENT_ID ?? '';
      const rotated = await dexctl([...endpoint(admin), 'rotate-client-secret', other]);
      const deleted = await dexctl([...endpoint(admin), 'delete-client', other]);
      const afterDelete = await dexctl([...endpoint(admin), 'get-client', other]);
      return { other, rotated, deleted, afterDelete };
    };
    const userChain = async () => {
      const user = await dexctl([...endpoint(admin), 'create-user', '--password-stdin', email], { input: 'a long enough password\n' });
      const disabled = await dexctl([...endpoint(admin), 'disable-user', email]);
      const users = await dexctl(['--db-url', stack.dbUrl, '--json', 'list-users']);
      return { user, disabled, users };
    };
    const [{ other, rotated, deleted, afterDelete }, { user, disabled, users }] = await Promise.all([clientChain(), userChain()]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(user.code, user.stderr).toBe(0);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(JSON.parse(users.stdout).items).toEqual(expect.arrayContaining([expect.objectContaining({ email, disabled: true })]));
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(afterDelete.code).toBe(1);

    const events = await listAuditEvents(db.prisma, { limit: 50 });
    const mine = events.events.filter((event) => event.targetId === other);
    expect(mine.map((event) => event.action).sort()).toEqual(['client.create', 'client.delete', 'client.rotate_secret']);
    for (const event of mine) expect(event.actor).toBe(`dexctl (worker-api, client:${admin.id})`);
  });

  it('refuses a client that is not an admin client, with a clear message and exit 1', async () => {
    // A wrong secret fails at the token endpoint, readably (asked while the plain client is made).
    const wrongAnswer = dexctl([...endpoint({ id: admin.id, secret: 'not-the-secret' }), 'list-clients']);
    const plain = parseAssignments((await dexctl(['--db-url', stack.dbUrl, 'new-client', FIRST_URL])).stdout);
    const client = { id: plain.DEX_APP_CLIENT_ID ?? '', secret: plain.DEX_APP_CLIENT_SECRET ?? '' };
    const refused = await dexctl([...endpoint(client), 'new-client', SECOND_URL]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`client ${client.id} is not an admin client`);
    expect(refused.stderr).not.toMatch(STACK_FRAME);
    const wrong = await wrongAnswer;
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/client authentication failed|invalid_client/);
  });

  it('says which commands the worker API does not serve (exit 1)', async () => {
    const results = await Promise.all(
      [['list-keys'], ['get-connector-configs']].map((command) => dexctl([...endpoint(admin), ...command])),
    );
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('the worker API (--endpoint) does not serve');
      expect(result.stderr).toContain('use --db-url or --admin-url');
    }
  });

  it('answers the worker API v1 with v0 errors: 401 without a token, 404 for an unknown client', async () => {
    const bare = await fetch(`${stack.issuer}/api/v1/clients`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await bare.json()).toEqual({ error: 'unauthorized', error_description: expect.any(String) });
    const tokenAnswer = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(admin.id)}:${encodeURIComponent(admin.secret)}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await tokenAnswer.json()) as { access_token: string };
    const missing = await fetch(`${stack.issuer}/api/v1/clients/nobody`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'resource_not_found', error_description: 'client not found' });
    const page = await fetch(`${stack.issuer}/api/v1/users?maxResults=101`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(page.status).toBe(400);
    expect(((await page.json()) as { error: string }).error).toBe('max_results_too_high');
  });
});
