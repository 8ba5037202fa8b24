import { readFile } from 'node:fs/promises';
import { AppError } from '@dex/shared/errors';
import { z } from 'zod';
import { writeFileAtomic } from '../profiles/atomic-write.ts';
import type { SecretCipher } from '../profiles/secret-cipher.ts';

/** The file of the desktop sign-in's sessions in Electron's `userData` directory (ciphertext only). */
export const DESKTOP_SESSIONS_FILE_NAME = 'dex-sessions';

/**
 * A console session the overlord opened for a sign-in through dex (`POST /api/v1/session/desktop`),
 * as the main process keeps it: the session id it sends back as the `dex_console_session`
 * cookie, and the CSRF token its changes carry. Never sent to the renderer.
 */
const ZStoredSession = z.strictObject({
  /** The overlord's origin: the token is only ever sent there. */
  origin: z.string(),
  sessionToken: z.string().min(1),
  csrfToken: z.string().min(1),
  /** The admin's email, the audit log's actor. */
  actor: z.string(),
  expiresAt: z.string(),
});
export type StoredDesktopSession = z.infer<typeof ZStoredSession>;

const ZSessionsDocument = z.strictObject({ version: z.literal(1), sessions: z.record(z.string(), ZStoredSession) });
type TSessionsDocument = z.infer<typeof ZSessionsDocument>;

export interface TokenStore {
  /** Encrypts and writes the profile's session (0600, atomically). INVALID_CONFIG when no OS keychain protects the key. */
  save(profileId: string, session: StoredDesktopSession): Promise<void>;
  /** The profile's stored session, or null (none, past its end, or no longer decryptable: another machine, a reset keychain). */
  load(profileId: string): Promise<StoredDesktopSession | null>;
  /** Forgets the profile's session (sign-out, profile removed or moved). */
  clear(profileId: string): Promise<void>;
}

/**
 * Keeps the desktop sign-in's console sessions (one per connection profile) on disk,
 * encrypted with the OS keychain (`safeStorage` through {@link SecretCipher}); refuses to
 * store them in clear when no keychain protects the key (the main process then keeps the
 * session in memory only, and the admin signs in again at the next start). The file holds one
 * base64 ciphertext of every session; changes are serialized read-modify-write.
 * @example const store = createTokenStore({ path: join(app.getPath('userData'), DESKTOP_SESSIONS_FILE_NAME), cipher }); await store.save(profile.id, session);
 */
export function createTokenStore(options: { path: string; cipher: SecretCipher; now?: () => Date }): TokenStore {
  const now = options.now ?? (() => new Date());
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = queue.then(operation, operation);
    queue = result.catch(() => undefined);
    return result;
  };

  /** What decrypts; anything else (no file, another keychain, damage) is no session at all. */
  async function read(): Promise<TSessionsDocument> {
    const empty: TSessionsDocument = { version: 1, sessions: {} };
    const text = await readFile(options.path, 'utf8').catch(() => null);
    if (text === null || !(await options.cipher.isAvailable())) return empty;
    const plain = await options.cipher.decrypt(Buffer.from(text, 'base64')).catch(() => null);
    if (plain === null) return empty;
    let json: unknown;
    try {
      json = JSON.parse(plain);
    } catch {
      return empty;
    }
    const parsed = ZSessionsDocument.safeParse(json);
    return parsed.success ? parsed.data : empty;
  }

  async function write(document: TSessionsDocument): Promise<void> {
    const ciphertext = await options.cipher.encrypt(JSON.stringify(document));
    await writeFileAtomic(options.path, ciphertext.toString('base64'), { mode: 0o600 });
  }

  return {
    save: (profileId, session) =>
      serialized(async () => {
        if (!(await options.cipher.isAvailable())) {
          throw new AppError('INVALID_CONFIG', { message: 'no OS keychain protects stored secrets: the sign-in is kept in memory only' });
        }
        const document = await read();
        await write({ ...document, sessions: { ...document.sessions, [profileId]: ZStoredSession.parse(session) } });
      }),

    load: (profileId) =>
      serialized(async () => {
        const session = (await read()).sessions[profileId];
        if (session === undefined || Date.parse(session.expiresAt) <= now().getTime()) return null;
        return session;
      }),

    clear: (profileId) =>
      serialized(async () => {
        const document = await read();
        if (!(profileId in document.sessions)) return;
        const { [profileId]: _gone, ...sessions } = document.sessions;
        await write({ ...document, sessions });
      }),
  };
}
