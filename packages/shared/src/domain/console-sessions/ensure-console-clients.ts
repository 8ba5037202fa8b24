import { sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { createClient } from '#domain/clients/create-client.ts';
import { AppError } from '#errors/index.ts';
import { isUniqueViolation } from '../prisma-errors.ts';

/** The web console's client: confidential, its secret known only to the overlords. */
export const CONSOLE_CLIENT_ID = 'dex-console';
/** The desktop console's client: public (RFC 8252 native app), loopback redirects, PKCE. */
export const CONSOLE_DESKTOP_CLIENT_ID = 'dex-console-desktop';

export interface EnsureConsoleClientsOptions {
  /** The web console's redirect URI, `<overlord public URL>/console/callback`. */
  redirectUri: string;
  /** The web console client's secret (at least 32 characters; the overlord derives it from its admin secret). */
  secret: string;
}

/** Whether the stored client already has the secret and the redirect URI. */
function isCurrent(row: { secretHash: string | null; redirectUris: { uri: string }[] }, options: EnsureConsoleClientsOptions): boolean {
  return row.secretHash === sha256Hex(options.secret) && row.redirectUris.some((r) => r.uri === options.redirectUri);
}

/**
 * Registers the console's OIDC clients when missing, so admins can sign in to the console
 * through dex itself: `dex-console` (confidential, trusted: no approval screen, redirect URI
 * `options.redirectUri`, added to those already registered so several overlords can share it)
 * and `dex-console-desktop` (public, trusted, no registered redirect URI: any loopback URI is
 * allowed for such a public client, RFC 8252). An existing `dex-console` gets the given secret. Idempotent and safe when several
 * overlords start at once: each write is one statement, and a duplicate is taken as done.
 * @example await ensureConsoleClients(db.prisma, { redirectUri: 'https://admin.example/console/callback', secret });
 */
export async function ensureConsoleClients(prisma: PrismaDb, options: EnsureConsoleClientsOptions): Promise<void> {
  await ensureClient(() =>
    createClient(prisma, { id: CONSOLE_DESKTOP_CLIENT_ID, public: true, trusted: true, name: 'dex console (desktop)', redirectUris: [] }),
  );
  const created = await ensureClient(() =>
    createClient(prisma, {
      id: CONSOLE_CLIENT_ID,
      secret: options.secret,
      trusted: true,
      name: 'dex console',
      redirectUris: [options.redirectUri],
    }),
  );
  if (created) return;
  const row = await prisma.client.findUnique({ where: { id: CONSOLE_CLIENT_ID }, include: { redirectUris: true } });
  if (row === null || isCurrent(row, options)) return;
  if (row.public)
    throw new AppError('CONFLICT', { message: `client "${CONSOLE_CLIENT_ID}" is public: delete it and restart the overlord` });
  await prisma.client.updateMany({ where: { id: CONSOLE_CLIENT_ID }, data: { secretHash: sha256Hex(options.secret) } });
  if (row.redirectUris.some((r) => r.uri === options.redirectUri)) return;
  const position = Math.max(-1, ...row.redirectUris.map((r) => r.position)) + 1;
  try {
    await prisma.clientRedirectUri.create({ data: { clientId: CONSOLE_CLIENT_ID, position, uri: options.redirectUri } });
  } catch (error) {
    // Another overlord added one at that position first: ours is added at its next start.
    if (!isUniqueViolation(error)) throw error;
  }
}

/** Runs `create`; true if it made the client, false if it was there already. */
async function ensureClient(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFLICT') return false;
    throw error;
  }
}
