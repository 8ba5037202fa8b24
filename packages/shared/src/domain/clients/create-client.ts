import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { isUniqueViolation } from '../prisma-errors.ts';
import { checkClientSettings } from './check-client-settings.ts';
import { type AccessTokenFormat, CLIENT_INCLUDE, type ClientRecord, toClientRecord } from './types.ts';

export interface CreateClientOptions {
  redirectUris: readonly string[];
  /** A chosen client id; generated when omitted. */
  id?: string;
  /** A chosen secret (at least 32 characters); generated when omitted. A public client has none. */
  secret?: string;
  name?: string;
  logoUri?: string;
  clientUri?: string;
  admin?: boolean;
  public?: boolean;
  /** Skip the approval screen at login (default false: users are asked once per client and scopes). */
  trusted?: boolean;
  /** Created through dynamic registration: never trusted, always asks for approval. */
  registered?: boolean;
  /** `opaque` (the default) or `jwt` (RFC 9068). */
  accessTokenFormat?: AccessTokenFormat;
  trustedPeers?: readonly string[];
}

export interface CreatedClient {
  client: ClientRecord;
  /**
   * The secret in clear text. It is stored only as a hash: this is the one chance to show it.
   * Null for a public client, which has no secret (RFC 6749 §2.1: it cannot keep one).
   */
  secret: string | null;
}

/**
 * 256 random bits, base64url, never starting with `-` or `_`: an id that starts with a dash
 * would read as a flag on a command line (`dexctl get-client -x…`).
 */
function generatedClientId(): string {
  for (;;) {
    const id = randomToken(32);
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/**
 * Registers a client. The id is generated like dex v0's (random base64url, `@` and the host
 * of the first redirect URI) unless given; the secret is 256 random bits, stored as SHA-256
 * (a public client has none, and giving it one is BAD_REQUEST).
 * Confidential clients need at least one http(s) redirect URI; public clients need a name
 * and may register none (then any loopback URI and out-of-band are allowed; with registered
 * URIs only those, the port of a loopback one free, RFC 8252 §7.3).
 * @example const { client, secret } = await createClient(db.prisma, { redirectUris: ['https://app.example/callback'] });
 */
export async function createClient(prisma: PrismaDb, options: CreateClientOptions): Promise<CreatedClient> {
  const isPublic = options.public ?? false;
  const name = options.name?.trim() ?? '';
  checkClientSettings({ name, isPublic, redirectUris: options.redirectUris });
  if (options.id !== undefined && !/^[\x21-\x7e]{1,255}$/.test(options.id)) {
    throw new AppError('BAD_REQUEST', { message: 'a client id is 1 to 255 printable characters without spaces' });
  }
  if (isPublic && options.secret !== undefined) {
    throw new AppError('BAD_REQUEST', { message: 'a public client has no secret' });
  }
  if (options.secret !== undefined && options.secret.length < 32) {
    throw new AppError('BAD_REQUEST', { message: 'a client secret must be at least 32 characters' });
  }
  const firstHost = options.redirectUris[0] === undefined ? '' : new URL(options.redirectUris[0]).hostname;
  const id = options.id ?? (firstHost === '' ? generatedClientId() : `${generatedClientId()}@${firstHost}`);
  const secret = isPublic ? null : (options.secret ?? randomToken(32));
  try {
    const row = await prisma.client.create({
      data: {
        id,
        secretHash: secret === null ? null : sha256Hex(secret),
        name,
        logoUri: options.logoUri ?? null,
        clientUri: options.clientUri ?? null,
        admin: options.admin ?? false,
        public: isPublic,
        trusted: (options.trusted ?? false) && !(options.registered ?? false),
        registered: options.registered ?? false,
        accessTokenFormat: options.accessTokenFormat ?? 'opaque',
        redirectUris: { create: options.redirectUris.map((uri, position) => ({ uri, position })) },
        trustedPeers: { create: [...new Set(options.trustedPeers ?? [])].map((trustedClientId) => ({ trustedClientId })) },
      },
      include: CLIENT_INCLUDE,
    });
    return { client: toClientRecord(row), secret };
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('CONFLICT', { message: `client "${id}" already exists` });
    throw error;
  }
}
