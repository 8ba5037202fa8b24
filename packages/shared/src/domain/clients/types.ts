/** What an authenticated client request needs to know about its client. */
export interface ClientSummary {
  id: string;
  name: string;
  admin: boolean;
  public: boolean;
}

/** A client as the rest of the code sees it (the secret hash stays in the store). */
export interface ClientRecord extends ClientSummary {
  id: string;
  name: string;
  logoUri: string | null;
  clientUri: string | null;
  redirectUris: string[];
  trustedPeers: string[];
  admin: boolean;
  public: boolean;
  /** Logins skip the approval screen (set by an admin; never for a registered client). */
  trusted: boolean;
  /** Created through dynamic registration (RFC 7591): its logins always ask for approval. */
  registered: boolean;
  hasSecret: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The out-of-band redirect URI of native clients (dex v0 `/oob`). */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

/**
 * Why a redirect URI cannot be registered for a confidential client, or undefined when it
 * can: it must be an absolute http(s) URL with a host and no fragment (RFC 6749 §3.1.2).
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${uri}" must use http or https`;
  if (url.hostname === '') return `"${uri}" needs a host`;
  if (url.hash !== '' || uri.includes('#')) return `"${uri}" must not have a fragment`;
  return undefined;
}

/** A client's row as read with {@link CLIENT_INCLUDE}. */
export interface ClientRow {
  id: string;
  name: string;
  logoUri: string | null;
  clientUri: string | null;
  admin: boolean;
  public: boolean;
  trusted: boolean;
  registered: boolean;
  secretHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  redirectUris: { position: number; uri: string }[];
  trustedPeers: { trustedClientId: string }[];
}

export const CLIENT_INCLUDE = {
  redirectUris: { orderBy: { position: 'asc' } },
  trustedPeers: { orderBy: { trustedClientId: 'asc' } },
} as const;

export function toClientRecord(row: ClientRow): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    logoUri: row.logoUri,
    clientUri: row.clientUri,
    redirectUris: row.redirectUris.map((r) => r.uri),
    trustedPeers: row.trustedPeers.map((t) => t.trustedClientId),
    admin: row.admin,
    public: row.public,
    trusted: row.trusted,
    registered: row.registered,
    hasSecret: row.secretHash !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
