import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MASKED_SECRET,
  ZClient,
  ZClientList,
  ZClientSecret,
  ZConnectorList,
  ZCreatedClient,
  ZRotateKeysResult,
  ZSigningKeyList,
  ZState,
  ZUser,
  ZUserList,
} from '@dex/shared/admin-api';
import { createDatabase, type Database } from '@dex/shared/db';
import { listConnectorConfigs } from '@dex/shared/domain/connectors';
import { testProviders, testSecrets } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { walkLogin } from '@dex/shared/testing';
import { type DexStack, startDexStack } from './support/dex-stack.ts';
import { bash, type DriverUnderTest, dexctl, dexctlOn, parseAssignments, STACK_FRAME } from './support/dexctl.ts';

const PG_SERVER_URL = process.env.DEX_TEST_PG_URL;
const targets = testProviders(process.env).map((provider) => ({ name: provider === 'sqlite' ? 'SQLite' : 'PostgreSQL', provider }));
const DRIVERS = ['database', 'admin API'] as const;
const REDIRECT_URL = 'http://127.0.0.1:5555/callback';

const unique = () => randomBytes(4).toString('hex');

describe.each(targets)('dexctl on both drivers, against $name', (target) => {
  let stack: DexStack;
  let db: Database;
  let workDir: string;
  const on = (name: (typeof DRIVERS)[number]): DriverUnderTest => (name === 'database' ? stack.drivers[0] : stack.drivers[1]);
  /** Runs the same command on both drivers at once. */
  const onBoth = (args: readonly string[], options: { input?: string } = {}) =>
    Promise.all([dexctlOn(stack.drivers[0], args, options), dexctlOn(stack.drivers[1], args, options)]);
  /** rotate-keys on the database driver encrypts the new key, so it needs the key secrets. */
  const keyArgs = (name: (typeof DRIVERS)[number]) => (name === 'database' ? ['--key-secrets', stack.keySecret] : []);

  beforeAll(async () => {
    stack = await startDexStack(target.provider, { pgUrl: PG_SERVER_URL });
    db = await createDatabase({ url: stack.dbUrl, maxConnections: 1 });
    workDir = await mkdtemp(join(tmpdir(), 'dexctl-drivers-'));
  });

  afterAll(async () => {
    await db?.close();
    await stack?.stop();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  describe('the audit log names dexctl and its driver', () => {
    it.each([
      ['database', 'dexctl (db)'],
      ['admin API', 'dexctl (admin-api)'],
    ] as const)('with the %s driver: %s', async (name, actor) => {
      const made = await dexctlOn(on(name), ['new-client', REDIRECT_URL]);
      expect(made.code, made.stderr).toBe(0);
      const clientId = parseAssignments(made.stdout).DEX_APP_CLIENT_ID ?? '';
      const events = await db.prisma.auditEvent.findMany({ where: { targetId: clientId } });
      expect(events.map((event) => [event.actor, event.action])).toEqual([[actor, 'client.create']]);
    });
  });

  describe('eval "$(dexctl new-client --trusted URL)", then a client logs a user in', () => {
    it.each(DRIVERS)('with the %s driver (chosen through DEXCTL_* variables)', async (name) => {
      const driver = on(name);
      const env: Record<string, string> =
        name === 'database' ? { DEXCTL_DB_URL: stack.dbUrl } : { DEXCTL_ADMIN_URL: stack.adminUrl, ...driver.env };
      const email = `flow-${unique()}@example.com`;
      const password = randomBytes(12).toString('base64url');

      // The user and both clients do not depend on each other: made at once.
      const [created, shell, untrusted] = await Promise.all([
        dexctl(['create-user', '--password-stdin', '--email-verified', email], { env, input: `${password}\n` }),
        bash(
          'eval "$($DEXCTL new-client --trusted "$URL")" || exit 9\nprintf "%s\\n" "$DEX_APP_CLIENT_ID" "$DEX_APP_CLIENT_SECRET" "$DEX_APP_REDIRECTURL_0"',
          { ...env, URL: REDIRECT_URL },
        ),
        // Without --trusted, the same login stops at the approval screen first.
        bash('eval "$($DEXCTL new-client "$URL")" || exit 9\nprintf "%s" "$DEX_APP_CLIENT_ID"', { ...env, URL: REDIRECT_URL }),
      ]);
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/^# Added new user:\nDEX_USER_ID=[0-9a-f-]{36}\nDEX_USER_EMAIL=\S+\n$/);
      expect(created.stdout).not.toContain(password);
      const userId = parseAssignments(created.stdout).DEX_USER_ID;

      expect(shell.stderr).toBe('');
      expect(shell.code).toBe(0);
      const [clientId = '', clientSecret = '', redirectUri = ''] = shell.stdout.trimEnd().split('\n');
      expect(clientId).toMatch(/^[A-Za-z0-9_-]{43}@127\.0\.0\.1$/);
      expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(redirectUri).toBe(REDIRECT_URL);

      const verifier = randomBytes(32).toString('base64url');
      const auth = new URL(`${stack.issuer}/auth`);
      auth.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid email',
        state: 'st-1',
        nonce: 'n-1',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      const walk = await walkLogin(auth.toString(), { login: email, password });
      expect(walk.status, walk.body.slice(0, 300)).toBe(302);
      expect(untrusted.code, untrusted.stderr).toBe(0);
      const asked = new URL(auth);
      asked.searchParams.set('client_id', untrusted.stdout);
      const screen = await walkLogin(asked.toString(), { login: email, password });
      expect(screen.status).toBe(302);
      expect(new URL(screen.location ?? '', stack.issuer).pathname).toBe('/dex/approval');
      const callback = new URL(walk.location ?? '');
      expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URL);
      expect(callback.searchParams.get('state')).toBe('st-1');

      const token = await fetch(`${stack.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code') ?? '',
          code_verifier: verifier,
          redirect_uri: redirectUri,
        }),
      });
      const tokens = (await token.json()) as { id_token?: string };
      expect(token.status, JSON.stringify(tokens)).toBe(200);
      const claims = JSON.parse(Buffer.from(tokens.id_token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      expect([claims.aud].flat()).toContain(clientId);
      expect(claims).toMatchObject({ sub: userId, email, nonce: 'n-1' });
    });
  });

  describe('connector configs round-trip', () => {
    it.each(DRIVERS)('through a file and through stdin, secrets kept (%s driver)', async (name) => {
      const driver = on(name);
      const githubSecret = `gh-secret-${unique()}`;
      const file = join(workDir, `connectors-${name.replace(' ', '-')}.json`);
      await writeFile(
        file,
        JSON.stringify([
          { type: 'local', id: 'local' },
          { type: 'github', id: 'github', clientID: 'gh-id', clientSecret: githubSecret },
        ]),
      );
      expect(await dexctlOn(driver, ['set-connector-configs', file])).toEqual({
        code: 0,
        stdout: 'Saved 2 connector config(s)\n',
        stderr: '',
      });
      expect(await dexctlOn(driver, ['get-connector-configs'])).toEqual({
        code: 0,
        stdout: 'Found 2 connector config(s)\n\nID:   local\nType: local\n\nID:   github\nType: github\n',
        stderr: '',
      });

      // What --json prints goes back in unchanged through stdin; the masked secret keeps the stored one.
      const read = await dexctlOn(driver, ['get-connector-configs', '--json']);
      expect(read.code).toBe(0);
      const document = ZConnectorList.parse(JSON.parse(read.stdout));
      expect(document.connectors).toEqual([
        { type: 'local', id: 'local' },
        { type: 'github', id: 'github', clientID: 'gh-id', clientSecret: MASKED_SECRET },
      ]);
      expect(read.stdout).not.toContain(githubSecret);
      expect(await dexctlOn(driver, ['set-connector-configs', '-'], { input: read.stdout })).toMatchObject({
        code: 0,
        stdout: 'Saved 2 connector config(s)\n',
      });
      expect((await listConnectorConfigs(db.prisma)).find((config) => config.id === 'github')).toMatchObject({
        clientSecret: githubSecret,
      });

      const input = JSON.stringify([
        { type: 'oidc', id: 'corp', issuerURL: 'https://idp.example', clientID: 'a', clientSecret: 'b' },
        { type: 'local', id: 'local' },
      ]);
      expect(await dexctlOn(driver, ['set-connector-configs', '-', '--json'], { input })).toEqual({
        code: 0,
        stdout: '{\n  "saved": 2\n}\n',
        stderr: '',
      });
      expect((await dexctlOn(driver, ['get-connector-configs'])).stdout).toBe(
        'Found 2 connector config(s)\n\nID:   corp\nType: oidc\n\nID:   local\nType: local\n',
      );
    });

    it('malformed JSON exits 1 on both drivers and changes nothing', async () => {
      const before = await dexctlOn(stack.drivers[0], ['get-connector-configs', '--json']);
      for (const result of await onBoth(['set-connector-configs', '-'], { input: '[{"type": "local", ' })) {
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/^Unable to read connector configs: .*JSON.*\n$/);
        expect(result.stderr).not.toMatch(STACK_FRAME);
      }
      expect(await dexctlOn(stack.drivers[1], ['get-connector-configs', '--json'])).toEqual(before);
    });

    it('a masked secret with nothing stored is refused the same way by both drivers', async () => {
      const input = JSON.stringify([{ type: 'github', id: `fresh-${unique()}`, clientID: 'x', clientSecret: MASKED_SECRET }]);
      const [database, api] = await onBoth(['set-connector-configs', '-'], { input });
      expect(database.code).toBe(1);
      expect(database.stderr).toMatch(/^Unable to set connector configs: .*clientSecret.*\n$/);
      expect(api).toEqual(database);
    });
  });

  // Commands that do not depend on each other run at once: starting dexctl costs far more than
  // the write lock they may wait on.
  describe('every changing command, with --json, answers in the contract shape', () => {
    it.each(DRIVERS)('%s driver', async (name) => {
      const driver = on(name);
      const run = async <S extends z.ZodType>(args: readonly string[], schema: S): Promise<z.output<S>> => {
        const result = await dexctlOn(driver, [...args, '--json']);
        expect(result.stderr, `dexctl ${args.join(' ')}`).toBe('');
        expect(result.code).toBe(0);
        return schema.parse(JSON.parse(result.stdout));
      };

      const created = await run(
        ['new-client', '--name', 'JSON app', '--trusted-peer', 'peer-a', '--trusted-peer', 'peer-b', 'https://app.example/cb'],
        ZCreatedClient,
      );
      expect(created.client).toMatchObject({ name: 'JSON app', trustedPeers: ['peer-a', 'peer-b'], public: false, admin: false });
      const email = `Json-${unique()}@Example.com`;
      const [client, publicClient, adminClient, user, rotation] = await Promise.all([
        run(['get-client', created.client.id], ZClient),
        run(['new-client', '--public', '--name', 'CLI tool'], ZCreatedClient),
        run(['new-client', '--admin', 'https://admin.example/cb'], ZCreatedClient),
        run(['create-user', '--no-password', '--name', 'Jay Son', '--admin', email], ZUser),
        run(['rotate-keys', ...keyArgs(name)], ZRotateKeysResult),
      ]);
      // After get-client read it: the rotation changes the client's secret.
      const [rotated, byEmail] = await Promise.all([
        run(['rotate-client-secret', created.client.id], ZClientSecret),
        run(['disable-user', email.toUpperCase()], ZUser),
      ]);
      expect(client).toEqual(created.client);
      expect(rotated.secret).not.toBe(created.secret);
      expect(publicClient.client).toMatchObject({ public: true, name: 'CLI tool', redirectUris: [] });
      // A public client has no secret at all.
      expect(publicClient.secret).toBeUndefined();
      expect(adminClient.client.admin).toBe(true);
      expect(user).toMatchObject({ email: email.toLowerCase(), displayName: 'Jay Son', admin: true, hasPassword: false, disabled: false });

      expect(byEmail).toMatchObject({ id: user.id, disabled: true });
      const deleted = await dexctlOn(driver, ['delete-client', created.client.id, '--json']);
      expect(deleted).toEqual({ code: 0, stdout: `${JSON.stringify({ id: created.client.id, deleted: true }, null, 2)}\n`, stderr: '' });
      // Published first: the new key is in the chain and signs after the overlord's publish delay.
      expect(rotation).toMatchObject({ mode: 'publish-first', publishDelaySeconds: 300, withdrawn: [] });
      expect(Date.parse(rotation.activatesAt) - Date.parse(rotation.publishedAt)).toBe(300_000);
      expect(rotation.keys.find((key) => key.kid === rotation.kid)?.state).toBe('next');
      expect(rotation.keys.find((key) => key.state === 'active')?.kid).toBe(rotation.previousKid);
      expect(rotation.previousRetiresAt).toBe(rotation.activatesAt);
    });

    it.each(DRIVERS)('the text of rotate-client-secret, delete-client, disable-user and rotate-keys (%s driver)', async (name) => {
      const driver = on(name);
      const email = `text-${unique()}@example.com`;
      // Three independent chains (a client, a user, the keys), run side by side.
      const clientChain = async () => {
        const created = ZCreatedClient.parse(
          JSON.parse((await dexctlOn(driver, ['new-client', '--json', 'https://text.example/cb'])).stdout),
        );
        const rotated = await dexctlOn(driver, ['rotate-client-secret', created.client.id]);
        const deleted = await dexctlOn(driver, ['delete-client', created.client.id]);
        return { created, rotated, deleted };
      };
      const userChain = async () => {
        const user = await dexctlOn(driver, ['create-user', '--password', 'long enough', email]);
        const id = parseAssignments(user.stdout).DEX_USER_ID ?? '';
        return { id, disabled: await dexctlOn(driver, ['disable-user', id]) };
      };
      const [{ created, rotated, deleted }, { id, disabled }, keys] = await Promise.all([
        clientChain(),
        userChain(),
        dexctlOn(driver, ['rotate-keys', ...keyArgs(name)]),
      ]);
      expect(rotated.stderr).toBe('');
      expect(rotated.stdout).toMatch(/^# Rotated client secret:\nDEX_APP_CLIENT_ID=\S+\nDEX_APP_CLIENT_SECRET=[A-Za-z0-9_-]{43}\n$/);
      expect(parseAssignments(rotated.stdout).DEX_APP_CLIENT_ID).toBe(created.client.id);
      expect(deleted).toEqual({
        code: 0,
        stdout: `Deleted client ${created.client.id}\n`,
        stderr: '',
      });
      expect(disabled).toEqual({ code: 0, stdout: `Disabled user ${email} (${id})\n`, stderr: '' });

      expect(keys.stderr).toBe('');
      expect(keys.stdout).toMatch(
        /^Published [0-9a-f]+ at \S+; it signs from \S+ \(publish delay 300s\)\.\n[0-9a-f]+ signs until then and stays published until \S+\.\n\nKID +ALG +STATE +ACTIVATES +RETIRES +EXPIRES\n/,
      );
    });

    it.each(DRIVERS)('rotate-keys --immediate withdraws every key and signs with a fresh one at once (%s driver)', async (name) => {
      const driver = on(name);
      const before = ZSigningKeyList.parse(JSON.parse((await dexctlOn(driver, ['list-keys', '--json'])).stdout));
      const json = await dexctlOn(driver, ['rotate-keys', '--immediate', '--json', ...keyArgs(name)]);
      expect(json.stderr).toBe('');
      const rotation = ZRotateKeysResult.parse(JSON.parse(json.stdout));
      expect(rotation).toMatchObject({ mode: 'immediate', publishedAt: rotation.activatesAt, previousExpiresAt: rotation.activatesAt });
      expect([...rotation.withdrawn].sort()).toEqual(before.keys.map((key) => key.kid).sort());
      expect(rotation.keys.map((key) => [key.kid, key.state])).toEqual([[rotation.kid, 'active']]);

      const text = await dexctlOn(driver, ['rotate-keys', '--immediate', ...keyArgs(name)]);
      expect(text.stderr).toBe('');
      expect(text.stdout).toMatch(
        new RegExp(
          `^Rotated the signing keys immediately: [0-9a-f]+ signs from now on\\.\\nWithdrew ${rotation.kid} from the JWKS: tokens they signed no longer verify\\.\\n\\nKID `,
        ),
      );
    });
  });

  describe('both drivers print the same', () => {
    let clientId: string;

    beforeAll(async () => {
      // Control characters in a stored name must not reach the terminal, on either driver.
      const created = await dexctlOn(stack.drivers[0], [
        'new-client',
        '--json',
        '--name',
        'Ünïcode\tapp\u001b[31m',
        'https://same.example/cb',
      ]);
      clientId = ZCreatedClient.parse(JSON.parse(created.stdout)).client.id;
    });

    const schemas: Record<string, z.ZodType> = {
      'list-clients': ZClientList,
      'get-client': ZClient,
      'list-users': ZUserList,
      'list-keys': ZSigningKeyList,
      state: ZState,
      'get-connector-configs': ZConnectorList,
    };

    // One command at a time, its four invocations at once: run side by side, these tests each
    // waited on all the others' processes and timed out on a busy machine.
    it.each(Object.keys(schemas))('%s, as text and as JSON', async (command) => {
      const args = command === 'get-client' ? [command, clientId] : [command];
      const [text, json] = await Promise.all([onBoth(args), onBoth([...args, '--json'])]);
      const [databaseText, apiText] = text;
      expect(databaseText.stderr).toBe('');
      expect(databaseText.code).toBe(0);
      expect(databaseText.stdout).not.toMatch(/\p{Cc}(?<!\n)/u);
      expect(apiText).toEqual(databaseText);
      const [databaseJson, apiJson] = json;
      expect(databaseJson.code).toBe(0);
      expect(apiJson).toEqual(databaseJson);
      expect(schemas[command]?.safeParse(JSON.parse(databaseJson.stdout)).success).toBe(true);
    });

    it.concurrent('the text tables have aligned columns', async () => {
      const list = await dexctlOn(stack.drivers[1], ['list-clients']);
      const lines = list.stdout.trimEnd().split('\n');
      const header = lines[0] ?? '';
      expect(header).toMatch(/^ID +NAME +TYPE +ADMIN +REDIRECT URLS$/);
      const row = lines.find((line) => line.startsWith(clientId)) ?? '';
      expect(row.indexOf('confidential')).toBe(header.indexOf('TYPE'));
      expect(row).toContain('Ünïcode?app?[31m');
    });

    const duplicate = `dup-${unique()}@example.com`;
    // One at a time, both drivers at once: twelve processes side by side timed out on a busy machine.
    it.each([
      [['get-client', 'nope'], 'Unable to get client "nope": client not found\n'],
      [['delete-client', 'nope'], 'Unable to delete client "nope": client not found\n'],
      [['rotate-client-secret', 'nope'], 'Unable to rotate the secret of client "nope": client not found\n'],
      [['disable-user', 'nobody@example.com'], 'Unable to disable user "nobody@example.com": user not found\n'],
      [['create-user', '--password', 'short', 'short@example.com'], 'Unable to create user: password must be at least 6 characters\n'],
      [['new-client', '--public', 'http://localhost:8000'], 'Failed creating new client: a public client needs a name\n'],
    ])('failures: %j exits 1 with the same message', async (args, message) => {
      const [database, api] = await onBoth(args);
      expect(database).toEqual({ code: 1, stdout: '', stderr: message });
      expect(api).toEqual(database);
    });

    it.concurrent('an email in use is refused by both', async () => {
      expect((await dexctlOn(stack.drivers[0], ['create-user', '--no-password', duplicate])).code).toBe(0);
      const [database, api] = await onBoth(['create-user', '--no-password', duplicate.toUpperCase()]);
      expect(database).toEqual({ code: 1, stdout: '', stderr: 'Unable to create user: email already in use\n' });
      expect(api).toEqual(database);
    });
  });

  describe('the admin API driver', () => {
    it.concurrent('a wrong admin secret exits 1 saying it was refused, without echoing it', async () => {
      const wrong = testSecrets().adminApiSecret;
      const result = await dexctl(['--admin-url', stack.adminUrl, 'list-clients'], { env: { DEXCTL_ADMIN_SECRET: wrong } });
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `dexctl: the admin API at ${stack.adminUrl} refused the admin secret (missing or wrong admin API secret)\n`,
      });
    });

    it.concurrent('--admin-secret beats DEXCTL_ADMIN_SECRET, and --admin-url beats DEXCTL_DB_URL', async () => {
      const result = await dexctl(['--admin-url', stack.adminUrl, '--admin-secret', stack.adminSecret, 'state'], {
        env: { DEXCTL_ADMIN_SECRET: testSecrets().adminApiSecret, DEXCTL_DB_URL: 'postgres://127.0.0.1:1/x' },
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Admin user created: +(yes|no)\nClients: +\d+\n/);
    });

    it.concurrent("the worker's address instead of the overlord's exits 1 and says so", async () => {
      const result = await dexctlOn({ ...stack.drivers[1], args: ['--admin-url', new URL(stack.issuer).origin] }, ['list-clients']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^dexctl: (unexpected answer from the admin API at|.* does not serve the admin API)/);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });

    it.concurrent('--log-debug lists the requests on stderr, never the secret', async () => {
      const result = await dexctlOn(stack.drivers[1], ['--log-debug', 'new-client', 'https://debug.example/cb']);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('dexctl: debug: POST /api/v1/clients -> 201');
      expect(result.stderr).not.toContain(stack.adminSecret);
      const secret = parseAssignments(result.stdout).DEX_APP_CLIENT_SECRET ?? '';
      expect(secret).not.toBe('');
      expect(result.stderr).not.toContain(secret);
    });

    it.concurrent('--key-secrets is refused with --admin-url (exit 2)', async () => {
      const result = await dexctlOn(stack.drivers[1], ['--key-secrets', stack.keySecret, 'rotate-keys']);
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr: 'dexctl: --key-secrets is only used with --db-url\nRun "dexctl --help" for usage.\n',
      });
    });
  });

  describe('the database driver', () => {
    it.concurrent('rotate-keys without --key-secrets exits 2', async () => {
      const result = await dexctlOn(stack.drivers[0], ['rotate-keys']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("rotate-keys with --db-url needs --key-secrets (the overlord's --key-secrets)");
    });

    it.concurrent('rotate-keys with a key secret that opens nothing exits 1 and changes nothing', async () => {
      const before = await dexctlOn(stack.drivers[0], ['list-keys', '--json']);
      const result = await dexctlOn(stack.drivers[0], ['--key-secrets', testSecrets().keySecretText, 'rotate-keys']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Unable to rotate signing keys: cannot decrypt the signing keys/);
      expect(await dexctlOn(stack.drivers[0], ['list-keys', '--json'])).toEqual(before);
    });
  });
});
