import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@dex/shared/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '#main/profiles/atomic-write.ts';
import { createProfileStore, PROFILES_FILE_NAME } from '#main/profiles/profile-store.ts';
import { validateBaseUrl } from '#main/profiles/validate-base-url.ts';
import { createAesGcmCipher, createUnavailableCipher } from './support/aes-gcm-cipher.ts';

const SECRET = 'c2VjcmV0LWZvci1wcm9kdWN0aW9uLWFkbWluLWFwaQ==';

let directory: string;
let filePath: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'dex-console-profiles-'));
  filePath = join(directory, PROFILES_FILE_NAME);
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('profile store', () => {
  it('creates, lists, renames and removes profiles, never showing the secret', async () => {
    const store = createProfileStore({ filePath, cipher: createAesGcmCipher() });
    expect(await store.list()).toEqual([]);

    const production = await store.save({ name: ' production ', baseUrl: 'https://dex-admin.example.com/', secret: SECRET });
    const staging = await store.save({ name: 'staging', baseUrl: 'http://127.0.0.1:5557', secret: 'c3RhZ2luZw==' });
    expect(production).toEqual({ id: expect.any(String), name: 'production', baseUrl: 'https://dex-admin.example.com' });
    expect(await store.list()).toEqual([production, staging]);

    const renamed = await store.save({ id: production.id, name: 'prod', baseUrl: production.baseUrl });
    expect(renamed).toEqual({ ...production, name: 'prod' });
    expect(await store.readSecret(production.id)).toBe(SECRET);

    await store.remove(staging.id);
    expect(await store.list()).toEqual([renamed]);
    expect((await rejection(store.get(staging.id))).code).toBe('NOT_FOUND');
    expect((await rejection(store.remove(staging.id))).code).toBe('NOT_FOUND');
  });

  it('keeps profiles across store instances (the file is the truth)', async () => {
    const cipher = createAesGcmCipher();
    const saved = await createProfileStore({ filePath, cipher }).save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET });
    const reopened = createProfileStore({ filePath, cipher });
    expect(await reopened.list()).toEqual([saved]);
    expect(await reopened.readSecret(saved.id)).toBe(SECRET);
  });

  it('stores the secret encrypted, never in plain text, in a file only the user can read', async () => {
    const cipher = createAesGcmCipher();
    const store = createProfileStore({ filePath, cipher });
    await store.save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET });

    const text = await readFile(filePath, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    const [stored] = JSON.parse(text).profiles;
    expect(await cipher.decrypt(Buffer.from(stored.encryptedSecret, 'base64'))).toBe(SECRET);
    if (process.platform !== 'win32') expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it('changes the secret when a new one is given, and only then', async () => {
    const cipher = createAesGcmCipher();
    const store = createProfileStore({ filePath, cipher });
    const profile = await store.save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET });
    await store.save({ id: profile.id, name: 'production', baseUrl: 'https://a.example/admin' });
    expect(cipher.encryptCalls).toBe(1);
    expect(await store.readSecret(profile.id)).toBe(SECRET);

    await store.save({ id: profile.id, name: 'production', baseUrl: 'https://a.example', secret: 'bmV3LXNlY3JldA==' });
    expect(await store.readSecret(profile.id)).toBe('bmV3LXNlY3JldA==');
  });

  it('refuses to move a saved secret to another server without entering it again', async () => {
    const store = createProfileStore({ filePath, cipher: createAesGcmCipher() });
    const profile = await store.save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET });
    const error = await rejection(store.save({ id: profile.id, name: 'production', baseUrl: 'https://attacker.example' }));
    expect(error.toJSON()).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('enter the admin API secret again') });
    expect(await store.get(profile.id)).toEqual(profile);

    const moved = await store.save({ id: profile.id, name: 'production', baseUrl: 'https://b.example', secret: 'Yi1zZWNyZXQ=' });
    expect(moved.baseUrl).toBe('https://b.example');
  });

  it('refuses to save a secret when the system cannot encrypt it, and writes nothing', async () => {
    const store = createProfileStore({ filePath, cipher: createUnavailableCipher() });
    const error = await rejection(store.save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.toJSON().message).toMatch(/never stores secrets in plain text/);
    expect(error.toJSON().message).not.toContain(SECRET);
    await expect(stat(filePath)).rejects.toThrow(/ENOENT/);
  });

  it('reports a secret that cannot be decrypted (another key) instead of failing obscurely', async () => {
    const profile = await createProfileStore({ filePath, cipher: createAesGcmCipher() }).save({
      name: 'production',
      baseUrl: 'https://a.example',
      secret: SECRET,
    });
    const otherMachine = createProfileStore({ filePath, cipher: createAesGcmCipher() });
    const error = await rejection(otherMachine.readSecret(profile.id));
    expect(error.toJSON()).toEqual({ code: 'INVALID_CONFIG', message: expect.stringContaining('cannot be decrypted') });
  });

  it('saves a profile without a secret (sign-in through dex), and wants unique names', async () => {
    const store = createProfileStore({ filePath, cipher: createAesGcmCipher() });
    const dexOnly = await store.save({ name: 'dex only', baseUrl: 'https://c.example' });
    expect((await rejection(store.readSecret(dexOnly.id))).toJSON()).toEqual({
      code: 'BAD_REQUEST',
      message: 'the profile "dex only" has no saved secret: sign in with dex, or enter the secret to connect',
    });
    // Nothing secret to carry: it may move to another server.
    expect(await store.save({ id: dexOnly.id, name: 'dex only', baseUrl: 'https://d.example' })).toMatchObject({
      baseUrl: 'https://d.example',
    });
    await store.save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET });
    const clash = await rejection(store.save({ name: 'PRODUCTION', baseUrl: 'https://b.example', secret: SECRET }));
    expect(clash.toJSON()).toEqual({ code: 'CONFLICT', message: 'a profile named "production" already exists' });
    expect((await rejection(store.save({ id: 'missing', name: 'x', baseUrl: 'https://a.example' }))).code).toBe('NOT_FOUND');
  });

  it('refuses bad URLs and secrets before touching the file', async () => {
    const store = createProfileStore({ filePath, cipher: createAesGcmCipher() });
    const cases: [string, string, RegExp][] = [
      ['not a url', SECRET, /absolute http\(s\) URL/],
      ['ftp://a.example', SECRET, /http or https, not ftp/],
      ['https://admin:pw@a.example', SECRET, /must not contain a user name or password/],
      ['https://a.example/?token=1', SECRET, /query or a fragment/],
      ['https://a.example', 'has spaces in it', /printable ASCII/],
    ];
    for (const [baseUrl, secret, message] of cases) {
      const error = await rejection(store.save({ name: 'production', baseUrl, secret }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
    await expect(stat(filePath)).rejects.toThrow(/ENOENT/);
  });

  it('reports a damaged file clearly and leaves it untouched', async () => {
    const store = createProfileStore({ filePath, cipher: createAesGcmCipher() });
    for (const damaged of ['{"version":1,"profiles":[', '{"version":2,"profiles":[]}', '{"version":1,"profiles":[{"id":"x"}]}']) {
      await writeFile(filePath, damaged);
      const listing = await rejection(store.list());
      expect(listing.code).toBe('INVALID_CONFIG');
      expect(listing.toJSON().message).toContain(filePath);
      expect(listing.toJSON().message).toMatch(/damaged .* left as it is/);
      const saving = await rejection(store.save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET }));
      expect(saving.code).toBe('INVALID_CONFIG');
      expect(await readFile(filePath, 'utf8')).toBe(damaged);
    }
  });

  it('does not lose a change when two saves run at once', async () => {
    const store = createProfileStore({ filePath, cipher: createAesGcmCipher() });
    await Promise.all(
      ['one', 'two', 'three', 'four'].map((name) => store.save({ name, baseUrl: `https://${name}.example`, secret: SECRET })),
    );
    expect((await store.list()).map((profile) => profile.name).sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it('keeps the previous file when a write fails, and leaves no temporary file', async () => {
    const cipher = createAesGcmCipher();
    await createProfileStore({ filePath, cipher }).save({ name: 'production', baseUrl: 'https://a.example', secret: SECRET });
    const before = await readFile(filePath, 'utf8');
    const failing = createProfileStore({
      filePath,
      cipher,
      writeOptions: {
        rename: async () => {
          throw new Error('EIO: disk went away');
        },
      },
    });
    const error = await rejection(failing.save({ name: 'staging', baseUrl: 'https://b.example', secret: SECRET }));
    expect(error.toJSON()).toEqual({ code: 'INTERNAL', message: expect.stringContaining('EIO: disk went away') });
    expect(await readFile(filePath, 'utf8')).toBe(before);
    expect(await readdir(directory)).toEqual([PROFILES_FILE_NAME]);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file and creates missing directories', async () => {
    const target = join(directory, 'nested', 'state.json');
    await writeFileAtomic(target, 'first');
    await writeFileAtomic(target, 'second');
    expect(await readFile(target, 'utf8')).toBe('second');
    expect(await readdir(join(directory, 'nested'))).toEqual(['state.json']);
  });
});

describe('validateBaseUrl', () => {
  it('normalizes an admin API URL', () => {
    expect(validateBaseUrl(' https://Admin.Example.com:443/dex/ ')).toBe('https://admin.example.com/dex');
    expect(validateBaseUrl('http://127.0.0.1:5557')).toBe('http://127.0.0.1:5557');
  });

  it('refuses other schemes', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ws://a.example'])
      expect(() => validateBaseUrl(url)).toThrow(/http or https/);
  });
});
