import type { PrismaDb } from '@dex/shared/db';
import type { ClientOrigins } from '#http/cors.ts';

/** The web origin of a redirect URI (`https://app.example:8443/cb` → `https://app.example:8443`), or null for others (`urn:`, custom schemes). */
export function webOrigin(uri: string): string | null {
  if (!URL.canParse(uri)) return null;
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
}

/** How long a loaded set of origins is used before it is read again. */
const MAX_AGE_MS = 10_000;
/** An origin that is not in the set reads it again, at most this often (a client created a moment ago). */
const MISS_RELOAD_MS = 1_000;

/**
 * Each client's web origins, derived from its registered redirect URIs, for CORS. Read from
 * the database in one query and kept for a few seconds: a browser request's origin is then a
 * map lookup, and a client registered a moment ago is found by the reload an unknown origin
 * triggers (at most once a second, so unknown origins cannot turn into a query each).
 * @example const cors = new Cors({ allowedOrigins, clients: new ClientWebOrigins(prisma), clientOf });
 */
export class ClientWebOrigins implements ClientOrigins {
  readonly #prisma: PrismaDb;
  #byClient: ReadonlyMap<string, ReadonlySet<string>> = new Map();
  #any: ReadonlySet<string> = new Set();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;

  constructor(prisma: PrismaDb) {
    this.#prisma = prisma;
  }

  async has(origin: string, clientId?: string): Promise<boolean> {
    if (Date.now() - this.#loadedAt > MAX_AGE_MS) await this.#load();
    if (this.#known(origin, clientId)) return true;
    if (Date.now() - this.#loadedAt < MISS_RELOAD_MS) return false;
    await this.#load();
    return this.#known(origin, clientId);
  }

  #known(origin: string, clientId: string | undefined): boolean {
    return clientId === undefined ? this.#any.has(origin) : (this.#byClient.get(clientId)?.has(origin) ?? false);
  }

  /** Reads the origins again; a failed read keeps the loaded ones (CORS never turns an outage into errors) and is tried again like a fresh read. */
  #load(): Promise<void> {
    this.#loading ??= this.#read()
      .catch(() => {
        this.#loadedAt = Date.now();
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  async #read(): Promise<void> {
    const rows = await this.#prisma.clientRedirectUri.findMany({ select: { clientId: true, uri: true } });
    const byClient = new Map<string, Set<string>>();
    const any = new Set<string>();
    for (const { clientId, uri } of rows) {
      const origin = webOrigin(uri);
      if (origin === null) continue;
      any.add(origin);
      const origins = byClient.get(clientId) ?? new Set<string>();
      origins.add(origin);
      byClient.set(clientId, origins);
    }
    this.#byClient = byClient;
    this.#any = any;
    this.#loadedAt = Date.now();
  }
}
