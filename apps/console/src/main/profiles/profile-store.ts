import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError, errorReason } from '@dex/shared/errors';
import { z } from 'zod';
import type { ConnectionProfile, SaveProfileInput } from '#shared/console-api.ts';
import { ZSaveProfileInput } from '#shared/ipc-contract.ts';
import { type WriteFileAtomicOptions, writeFileAtomic } from './atomic-write.ts';
import type { SecretCipher } from './secret-cipher.ts';
import { validateBaseUrl } from './validate-base-url.ts';

/** The file name of the profiles in Electron's `userData` directory. */
export const PROFILES_FILE_NAME = 'profiles.json';

const ZStoredProfile = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  baseUrl: z.string().min(1),
  /** The admin API secret encrypted by the {@link SecretCipher}, base64; null when none is saved. */
  encryptedSecret: z.base64().nullable(),
});
type TStoredProfile = z.infer<typeof ZStoredProfile>;

const ZProfilesDocument = z.strictObject({
  version: z.literal(1),
  profiles: z.array(ZStoredProfile),
});
type TProfilesDocument = z.infer<typeof ZProfilesDocument>;

/**
 * Saved connection profiles: several overlords, each with a name, its admin API URL and its
 * secret. Profiles go to the renderer without the secret; the secret leaves the store only
 * through {@link ProfileStore.readSecret}, for the main process's admin client.
 */
export interface ProfileStore {
  list(): Promise<ConnectionProfile[]>;
  /** NOT_FOUND when no profile has this id. */
  get(id: string): Promise<ConnectionProfile>;
  /**
   * Creates a profile (no `id`; the secret is optional: without one, the admin signs in
   * through dex or types the secret at connect) or changes one. A secret is encrypted
   * before it is written, and refused when the system cannot encrypt it. Moving a profile to
   * another origin needs its secret again: a saved secret is only ever sent where it was saved for.
   */
  save(input: SaveProfileInput): Promise<ConnectionProfile>;
  /** NOT_FOUND when no profile has this id. */
  remove(id: string): Promise<void>;
  /** The decrypted secret of a profile (main process only: never send it to a renderer, never log it). */
  readSecret(id: string): Promise<string>;
}

export interface CreateProfileStoreOptions {
  /** The JSON file, normally `<userData>/profiles.json`. */
  filePath: string;
  cipher: SecretCipher;
  /** Injected in tests; `randomUUID` by default. */
  generateId?: () => string;
  /** Injected in tests (atomic write failures). */
  writeOptions?: WriteFileAtomicOptions;
}

/**
 * The profile store on a JSON file. Every change is read-modify-write under one queue and
 * written atomically (temporary file, then rename). A file that is not valid JSON or not a
 * profiles document is reported (INVALID_CONFIG naming the file) and never overwritten.
 * @example
 * const store = createProfileStore({ filePath: join(app.getPath('userData'), PROFILES_FILE_NAME), cipher });
 * const profile = await store.save({ name: 'production', baseUrl: 'https://dex-admin.example.com', secret });
 */
export function createProfileStore(options: CreateProfileStoreOptions): ProfileStore {
  const { filePath, cipher } = options;
  const generateId = options.generateId ?? randomUUID;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs operations one after another, so two saves never lose each other's change. */
  function serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = queue.then(operation, operation);
    queue = result.catch(() => undefined);
    return result;
  }

  async function load(): Promise<TProfilesDocument> {
    let text: string;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) return { version: 1, profiles: [] };
      throw new AppError('INVALID_CONFIG', {
        message: `the profiles file ${filePath} cannot be read: ${errorReason(error)}`,
        cause: error,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw corrupt(filePath, 'it is not valid JSON');
    }
    const parsed = ZProfilesDocument.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
      throw corrupt(filePath, `it is not a profiles document${where}`);
    }
    return parsed.data;
  }

  async function store(document: TProfilesDocument): Promise<void> {
    try {
      await writeFileAtomic(filePath, `${JSON.stringify(document, null, 2)}\n`, options.writeOptions);
    } catch (error) {
      throw new AppError('INTERNAL', {
        message: `the profiles file ${filePath} could not be written: ${errorReason(error)}`,
        userMessage: `the profiles could not be saved to ${filePath}: ${errorReason(error)}`,
        cause: error,
      });
    }
  }

  async function encrypt(secret: string): Promise<string> {
    if (!(await cipher.isAvailable())) {
      throw new AppError('INVALID_CONFIG', {
        message:
          'the secret was not saved: this system offers no protected storage to encrypt it (on Linux, run a Secret Service such as ' +
          'GNOME Keyring, or KWallet); the console never stores secrets in plain text',
      });
    }
    return (await cipher.encrypt(secret)).toString('base64');
  }

  return {
    list: () => serialized(async () => (await load()).profiles.map(toPublic)),

    get: (id) =>
      serialized(async () => {
        const document = await load();
        return toPublic(find(document, id));
      }),

    save: (input) =>
      serialized(async () => {
        const parsed = ZSaveProfileInput.safeParse(input);
        if (!parsed.success) {
          throw new AppError('BAD_REQUEST', { message: parsed.error.issues[0]?.message ?? 'the profile is not valid' });
        }
        const { id, name, secret } = parsed.data;
        const baseUrl = validateBaseUrl(parsed.data.baseUrl);
        const document = await load();
        const clash = document.profiles.find((profile) => profile.id !== id && profile.name.toLowerCase() === name.toLowerCase());
        if (clash !== undefined) throw new AppError('CONFLICT', { message: `a profile named "${clash.name}" already exists` });

        if (id === undefined) {
          // Without a secret, the profile signs in through dex (or takes the secret typed at connect).
          const encryptedSecret = secret === undefined ? null : await encrypt(secret);
          const created: TStoredProfile = { id: generateId(), name, baseUrl, encryptedSecret };
          await store({ ...document, profiles: [...document.profiles, created] });
          return toPublic(created);
        }

        const existing = find(document, id);
        let encryptedSecret = existing.encryptedSecret;
        if (secret !== undefined) encryptedSecret = await encrypt(secret);
        else if (encryptedSecret !== null && new URL(baseUrl).origin !== new URL(existing.baseUrl).origin) {
          throw new AppError('BAD_REQUEST', {
            message:
              'enter the admin API secret again to move this profile to another server: a saved secret is only sent where it was saved for',
          });
        }
        const updated: TStoredProfile = { id, name, baseUrl, encryptedSecret };
        await store({ ...document, profiles: document.profiles.map((profile) => (profile.id === id ? updated : profile)) });
        return toPublic(updated);
      }),

    remove: (id) =>
      serialized(async () => {
        const document = await load();
        find(document, id);
        await store({ ...document, profiles: document.profiles.filter((profile) => profile.id !== id) });
      }),

    readSecret: (id) =>
      serialized(async () => {
        const profile = find(await load(), id);
        if (profile.encryptedSecret === null) {
          throw new AppError('BAD_REQUEST', {
            message: `the profile "${profile.name}" has no saved secret: sign in with dex, or enter the secret to connect`,
          });
        }
        const undecryptable = `the saved secret of the profile "${profile.name}" cannot be decrypted on this system (was the keychain reset or the file copied from another machine?); save the profile again with its secret`;
        if (!(await cipher.isAvailable())) throw new AppError('INVALID_CONFIG', { message: undecryptable });
        try {
          return await cipher.decrypt(Buffer.from(profile.encryptedSecret, 'base64'));
        } catch (error) {
          throw new AppError('INVALID_CONFIG', { message: undecryptable, cause: error });
        }
      }),
  };
}

function find(document: TProfilesDocument, id: string): TStoredProfile {
  const profile = document.profiles.find((candidate) => candidate.id === id);
  if (profile === undefined) throw new AppError('NOT_FOUND', { message: `no saved profile has the id ${id}` });
  return profile;
}

function toPublic(profile: TStoredProfile): ConnectionProfile {
  return { id: profile.id, name: profile.name, baseUrl: profile.baseUrl };
}

function corrupt(filePath: string, reason: string): AppError {
  return new AppError('INVALID_CONFIG', {
    message: `the profiles file ${filePath} is damaged (${reason}); it was left as it is: fix it, or move it away to start with no profiles`,
  });
}

function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
