import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '@dex/shared/db';
import { findClient } from '@dex/shared/domain/clients';
import { DEX_VERSION } from '@dex/shared/version';
import { createTestDatabase, freePort, testProviders, testSecrets } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bash, dexctl, STACK_FRAME } from './support/dexctl.ts';

const PG_SERVER_URL = process.env.DEX_TEST_PG_URL;
/** Nothing listens on port 1. */
const UNREACHABLE_URL = 'postgres://127.0.0.1:1/x';
const NO_DRIVER =
  "dexctl: no driver: give --db-url (the database), --admin-url with --admin-secret (the overlord's admin API), " +
  "or --endpoint with --client-id and --client-secret (the worker's API, as an admin client)\n";
const USAGE_HINT = 'Run "dexctl --help" for usage.\n';
const COMMANDS = [
  'new-client',
  'set-connector-configs',
  'get-connector-configs',
  'list-clients',
  'get-client',
  'delete-client',
  'rotate-client-secret',
  'list-users',
  'create-user',
  'disable-user',
  'list-keys',
  'rotate-keys',
  'state',
  'version',
  'help',
];

const targets = testProviders(process.env).map((provider) => ({ name: provider === 'sqlite' ? 'SQLite' : 'PostgreSQL', provider }));

describe.each(targets)('dexctl against $name', (target) => {
  let url: string;
  let db: Database;
  let teardown: () => Promise<void>;
  let workDir: string;

  beforeAll(async () => {
    const database = await createTestDatabase(target.provider, PG_SERVER_URL === undefined ? {} : { pgUrl: PG_SERVER_URL });
    ({ url } = database);
    teardown = database.drop;
    db = await createDatabase({ url });
    workDir = await mkdtemp(join(tmpdir(), 'dexctl-files-'));
  });

  afterAll(async () => {
    await db?.close();
    await teardown?.();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  describe.concurrent('new-client', () => {
    it('prints the credentials as shell assignments, in dex v0 format', async () => {
      const result = await dexctl(['--db-url', url, 'new-client', 'http://127.0.0.1:5555/callback', 'https://app.example/cb']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const lines = result.stdout.split('\n');
      expect(lines).toHaveLength(6);
      expect(lines[0]).toBe('# Added new client:');
      expect(lines[1]).toMatch(/^DEX_APP_CLIENT_ID=[A-Za-z0-9_-]{43}@127\.0\.0\.1$/);
      expect(lines[2]).toMatch(/^DEX_APP_CLIENT_SECRET=[A-Za-z0-9_-]{43}$/);
      expect(lines.slice(3)).toEqual([
        'DEX_APP_REDIRECTURL_0=http://127.0.0.1:5555/callback',
        'DEX_APP_REDIRECTURL_1=https://app.example/cb',
        '',
      ]);
    });

    it('prints no secret for a public client, which has none', async () => {
      const result = await dexctl(['--db-url', url, 'new-client', '--public', '--name', 'Laptop CLI', 'http://127.0.0.1:8000/cb']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const lines = result.stdout.split('\n');
      expect(lines[0]).toBe('# Added new client:');
      expect(lines[1]).toMatch(/^DEX_APP_CLIENT_ID=[A-Za-z0-9_-]{43}@127\.0\.0\.1$/);
      expect(lines.slice(2)).toEqual(['DEX_APP_REDIRECTURL_0=http://127.0.0.1:8000/cb', '']);
      const client = await findClient(db.prisma, (lines[1] ?? '').slice('DEX_APP_CLIENT_ID='.length));
      expect(client).toMatchObject({ public: true, hasSecret: false });
      const rotate = await dexctl(['--db-url', url, 'rotate-client-secret', client?.id ?? '']);
      expect(rotate.code).toBe(1);
      expect(rotate.stderr).toContain('a public client has no secret');
    });

    it('sets the access token format with --access-token-format, and refuses an unknown one', async () => {
      const result = await dexctl(['--db-url', url, '--json', 'new-client', '--access-token-format', 'jwt', 'https://api.example/cb']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const created = JSON.parse(result.stdout) as { client: { id: string; accessTokenFormat: string } };
      expect(created.client.accessTokenFormat).toBe('jwt');
      expect(await findClient(db.prisma, created.client.id)).toMatchObject({ accessTokenFormat: 'jwt' });
      const bad = await dexctl(['--db-url', url, 'new-client', '--access-token-format', 'paseto', 'https://api.example/cb']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--access-token-format: must be opaque or jwt, got "paseto"');
    });

    it('output survives eval in a shell, query strings and quotes included, and the client is stored', async () => {
      const urls = ['http://127.0.0.1:5555/callback', 'https://app.example/cb?a=1&b=2', "https://app.example/it's?x=$HOME"];
      const result = await bash(
        'eval "$($DEXCTL --db-url "$DB" new-client "$U0" "$U1" "$U2")" || exit 9\n' +
          'printf "%s\\n" "$DEX_APP_CLIENT_ID" "$DEX_APP_CLIENT_SECRET" "$DEX_APP_REDIRECTURL_0" "$DEX_APP_REDIRECTURL_1" "$DEX_APP_REDIRECTURL_2"',
        { DB: url, U0: urls[0] ?? '', U1: urls[1] ?? '', U2: urls[2] ?? '' },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const [id = '', secret = '', ...redirects] = result.stdout.trimEnd().split('\n');
      expect(id).toMatch(/@127\.0\.0\.1$/);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(redirects).toEqual(urls);

      const client = await findClient(db.prisma, id);
      expect(client).not.toBeNull();
      expect(client?.redirectUris).toEqual(urls);
      expect(client?.hasSecret).toBe(true);
    });

    it('refuses a malformed redirect URL with exit 1', async () => {
      const result = await dexctl(['--db-url', url, 'new-client', 'not a url']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('Failed creating new client: invalid redirect URI: "not a url" is not an absolute URL\n');
    });

    it('without a redirect URL exits 2 with its usage', async () => {
      const result = await dexctl(['--db-url', url, 'new-client']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('dexctl new-client: needs at least 1 argument, got 0');
      expect(result.stderr).toContain('Usage: dexctl [flags] new-client REDIRECT_URL...');
    });
  });

  describe('connector configs', () => {
    it('set-connector-configs reads a file and get-connector-configs lists it', async () => {
      const file = join(workDir, 'connectors.json');
      await writeFile(
        file,
        JSON.stringify([
          { type: 'local', id: 'local' },
          { type: 'github', id: 'github', clientID: 'gh-id', clientSecret: 'gh-secret' },
        ]),
      );
      const set = await dexctl(['--db-url', url, 'set-connector-configs', file]);
      expect(set).toEqual({ code: 0, stdout: 'Saved 2 connector config(s)\n', stderr: '' });

      const get = await dexctl(['--db-url', url, 'get-connector-configs']);
      expect(get).toEqual({
        code: 0,
        stdout: 'Found 2 connector config(s)\n\nID:   local\nType: local\n\nID:   github\nType: github\n',
        stderr: '',
      });
    });

    it('set-connector-configs - reads standard input; global flags may follow the command', async () => {
      const input = JSON.stringify([
        { type: 'oidc', id: 'corp', issuerURL: 'https://idp.example', clientID: 'a', clientSecret: 'b' },
        { type: 'local', id: 'local' },
        { type: 'uaa', id: 'uaa', clientID: 'c', clientSecret: 'd', serverURL: 'https://uaa.example' },
      ]);
      const set = await dexctl(['--db-url', url, 'set-connector-configs', '-'], { input });
      expect(set).toEqual({ code: 0, stdout: 'Saved 3 connector config(s)\n', stderr: '' });

      const get = await dexctl(['get-connector-configs', '--db-url', url]);
      expect(get.code).toBe(0);
      expect(get.stdout).toBe(
        'Found 3 connector config(s)\n\nID:   corp\nType: oidc\n\nID:   local\nType: local\n\nID:   uaa\nType: uaa\n',
      );
    });

    it('a malformed JSON file exits 1 with the reason and changes nothing', async () => {
      const before = await dexctl(['--db-url', url, 'get-connector-configs']);
      const file = join(workDir, 'broken.json');
      await writeFile(file, '[{"type": "local", ');
      const result = await dexctl(['--db-url', url, 'set-connector-configs', file]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^Unable to read connector configs: .*JSON.*\n$/);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(await dexctl(['--db-url', url, 'get-connector-configs'])).toEqual(before);
    });

    // The failures below change nothing: they run side by side, after the tests that write.
    it.concurrent('a missing file exits 1 with the reason', async () => {
      const result = await dexctl(['--db-url', url, 'set-connector-configs', join(workDir, 'missing.json')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Unable to read connector configs: ENOENT/);
    });

    it.concurrent('an unknown connector type exits 1 and names it', async () => {
      const input = JSON.stringify([
        { type: 'local', id: 'local' },
        { type: 'nope', id: 'x' },
      ]);
      const result = await dexctl(['--db-url', url, 'set-connector-configs', '-'], { input });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'Invalid connector configs: connector #2: unknown connector type "nope" (known: local, oidc, ldap, github, bitbucket, uaa)\n',
      );
    });

    it.concurrent('set-connector-configs needs exactly one argument (exit 2)', async () => {
      const [none, two] = await Promise.all([
        dexctl(['--db-url', url, 'set-connector-configs']),
        dexctl(['--db-url', url, 'set-connector-configs', 'a.json', 'b.json']),
      ]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('dexctl set-connector-configs: takes exactly 1 argument, got 0');
      expect(none.stderr).toContain('Usage: dexctl [flags] set-connector-configs FILE|-');
      expect(two.code).toBe(2);
    });
  });

  describe.concurrent('--db-url from the environment', () => {
    it('DEXCTL_DB_URL is read', async () => {
      const result = await dexctl(['get-connector-configs'], { env: { DEXCTL_DB_URL: url } });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Found \d+ connector config\(s\)\n/);
    });

    it('the flag beats the environment', async () => {
      const result = await dexctl(['--db-url', url, 'get-connector-configs'], { env: { DEXCTL_DB_URL: UNREACHABLE_URL } });
      expect(result.code).toBe(0);
    });
  });
});

describe.concurrent('dexctl without a usable driver', () => {
  it('a command without --db-url or --admin-url exits 2 naming both', async () => {
    const result = await dexctl(['get-connector-configs']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${NO_DRIVER}${USAGE_HINT}` });
    expect(await dexctl(['new-client', 'https://app.example/cb'])).toEqual(result);
  });

  it('--db-url with --admin-url exits 2', async () => {
    const result = await dexctl(['--db-url', 'file:./x.db', '--admin-url', 'http://127.0.0.1:5557', 'list-clients']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `dexctl: --db-url and --admin-url cannot be used together: choose one driver\n${USAGE_HINT}`,
    });
  });

  it('DEXCTL_DB_URL with DEXCTL_ADMIN_URL exits 2', async () => {
    const result = await dexctl(['state'], { env: { DEXCTL_DB_URL: 'file:./x.db', DEXCTL_ADMIN_URL: 'http://127.0.0.1:5557' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `dexctl: DEXCTL_DB_URL and DEXCTL_ADMIN_URL are both set: unset one, or choose with --db-url or --admin-url\n${USAGE_HINT}`,
    );
  });

  it('--admin-url without a secret exits 2', async () => {
    const result = await dexctl(['--admin-url', 'http://127.0.0.1:5557', 'list-clients']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `dexctl: --admin-url needs --admin-secret (or DEXCTL_ADMIN_SECRET): the overlord's --admin-api-secret\n${USAGE_HINT}`,
    );
  });

  it.each([
    ['not a url', 'dexctl: --admin-url: "not a url" is not a URL\n'],
    ['ftp://127.0.0.1/', 'dexctl: --admin-url: "ftp://127.0.0.1/" must use http or https\n'],
    [
      'http://user:pw@127.0.0.1:5557',
      'dexctl: --admin-url: must be the base URL of the admin API, without credentials, query or fragment\n',
    ],
  ])('a malformed --admin-url %j exits 2 and names the flag', async (url, message) => {
    const result = await dexctl(['--admin-url', url, 'list-users'], { env: { DEXCTL_ADMIN_SECRET: 'c2VjcmV0' } });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${message}${USAGE_HINT}` });
  });

  it('an unreachable admin API exits 1 with a message and no stack trace', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const secret = testSecrets().adminApiSecret;
    const result = await dexctl(['--admin-url', url, 'list-clients'], { env: { DEXCTL_ADMIN_SECRET: secret } });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `dexctl: cannot reach the admin API at ${url}: connect ECONNREFUSED ${url.slice('http://'.length)}\n`,
    });
  });

  it('a malformed --db-url exits 2 and names the flag', async () => {
    const result = await dexctl(['--db-url', 'mysql://db/dex', 'get-connector-configs']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dexctl: --db-url: invalid database URL "mysql:\/\/db\/dex"/);
  });

  it('an unreachable database exits 1 with a message and no stack trace', async () => {
    const result = await dexctl(['--db-url', UNREACHABLE_URL, 'new-client', 'https://app.example/cb']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^dexctl: cannot reach the database at postgres:\/\/127\.0\.0\.1:1\/x: .+\n$/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('a database without the dex schema points at dex-overlord', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dexctl-empty-'));
    try {
      const url = `file:${join(dir, 'empty.db')}`;
      // An empty but existing SQLite database, as the overlord would find it before migrating.
      const empty = await createDatabase({ url });
      await empty.close();
      const result = await dexctl(['--db-url', url, 'get-connector-configs']);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: 'dexctl: the database has no dex schema yet: start dex-overlord once (it applies migrations)\n',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.concurrent('dexctl usage', () => {
  it('version prints the dex and node versions', async () => {
    const result = await dexctl(['version']);
    expect(result).toEqual({ code: 0, stdout: `dex version ${DEX_VERSION}\nnode version ${process.version}\n`, stderr: '' });
  });

  it('--help lists the flags and commands', async () => {
    const result = await dexctl(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: dexctl [flags] COMMAND [args]');
    expect(result.stdout).toContain('env DEXCTL_DB_URL');
    for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command} `);
    expect(result.stdout).toContain('env DEXCTL_ADMIN_URL');
    expect(result.stdout).toContain('env DEXCTL_ADMIN_SECRET');
  });

  it('every command has its own --help on stdout', async () => {
    const results = await Promise.all(COMMANDS.map((command) => dexctl([command, '--help'])));
    results.forEach((result, index) => {
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^Usage: dexctl \\[flags\\] ${COMMANDS[index]}\\b`));
      expect(result.stdout).toContain('Global flags:');
    });
  });

  it.each([
    [['get-client'], 'takes exactly 1 argument, got 0'],
    [['delete-client', 'a', 'b'], 'takes exactly 1 argument, got 2'],
    [['rotate-client-secret'], 'takes exactly 1 argument, got 0'],
    [['disable-user'], 'takes exactly 1 argument, got 0'],
    [['create-user', '--password-stdin'], 'takes exactly 1 argument, got 0'],
    [['list-clients', 'extra'], 'takes no arguments, got 1'],
    [['create-user', 'ann@example.com'], 'say where the password comes from: --password-stdin, --password or --no-password'],
    [['create-user', '--password-stdin', '--password', 'x', 'ann@example.com'], 'give only one of --password-stdin, --password'],
    [['new-client', '--name', 'App'], 'needs at least 1 argument, got 0 (only a --public client may have no redirect URL)'],
  ])('%j is a usage error (exit 2, usage on stderr) before any driver is opened', async (args, problem) => {
    const [command] = args;
    const result = await dexctl(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`dexctl ${command}: ${problem}\n\nUsage: dexctl [flags] ${command}`);
  });

  it('a flag of another command is unknown (exit 2)', async () => {
    const result = await dexctl(['list-clients', '--public']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'dexctl: unknown flag: --public\nRun "dexctl --help" for usage.\n' });
  });

  it('version --json prints one JSON document', async () => {
    const result = await dexctl(['--json', 'version']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: DEX_VERSION, node: process.version });
  });

  it('help COMMAND and COMMAND --help show the command usage', async () => {
    const viaHelp = await dexctl(['help', 'new-client']);
    const viaFlag = await dexctl(['new-client', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain('Usage: dexctl [flags] new-client REDIRECT_URL...');
    expect(viaFlag).toEqual(viaHelp);
  });

  it('no command exits 2 with the usage on stderr', async () => {
    const result = await dexctl([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: dexctl [flags] COMMAND [args]');
  });

  it('an unknown command or flag exits 2', async () => {
    const command = await dexctl(['frobnicate']);
    expect(command).toEqual({ code: 2, stdout: '', stderr: 'dexctl: unknown command "frobnicate"\nRun "dexctl --help" for usage.\n' });
    const flag = await dexctl(['--no-such-flag', 'x', 'version']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('dexctl: unknown flag: --no-such-flag\nRun "dexctl --help" for usage.\n');
  });

  it('--log-debug is accepted and writes debug lines to stderr only', async () => {
    const result = await dexctl(['--log-debug', 'version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dex version /);
    expect(result.stderr).toContain('dexctl: debug: running version');
  });
});
