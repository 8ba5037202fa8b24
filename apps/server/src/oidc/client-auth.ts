import type { Request } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import { authenticateClient, type ClientRecord } from '@dex/shared/domain/clients';
import { OAuthError } from './oauth-error.ts';

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64 (dex v0.3.0+ unescapes them). */
function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '));
}

/** The credentials a token request carries, and how (`client_secret_basic` or `client_secret_post`). */
export function readClientCredentials(req: Request): { id: string; secret: string } {
  const header = req.get('authorization');
  const body = (req.body ?? {}) as Record<string, unknown>;
  const postId = typeof body.client_id === 'string' ? body.client_id : undefined;
  const postSecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  if (header !== undefined && /^basic /i.test(header)) {
    if (postSecret !== undefined) {
      throw new OAuthError('invalid_request', 'client authentication must use only one method');
    }
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new OAuthError('invalid_client', 'malformed Basic credentials');
    try {
      const id = formDecode(decoded.slice(0, colon));
      const secret = formDecode(decoded.slice(colon + 1));
      if (postId !== undefined && postId !== id) throw new OAuthError('invalid_request', 'client_id does not match the Basic credentials');
      return { id, secret };
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw new OAuthError('invalid_client', 'malformed Basic credentials');
    }
  }
  if (postId !== undefined && postSecret !== undefined) return { id: postId, secret: postSecret };
  throw new OAuthError('invalid_client', 'client authentication is required');
}

/** Authenticates the client of a token request; `invalid_client` (401) for any failure. */
export async function requireClient(prisma: PrismaDb, req: Request): Promise<ClientRecord> {
  const credentials = readClientCredentials(req);
  const client = await authenticateClient(prisma, credentials);
  if (client === null) throw new OAuthError('invalid_client', 'client authentication failed');
  return client;
}
