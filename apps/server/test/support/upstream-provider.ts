import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { freePort } from '@dex/shared/testing';
import Provider from 'oidc-provider';

/** An account at the upstream provider: its claims (`sub` is the account id). */
export type UpstreamAccount = {
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  groups?: string[];
};

export interface UpstreamClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface StartUpstreamOptions {
  /** Listen on this port (default: a free one). */
  port?: number;
  clients: UpstreamClient[];
  accounts: Record<string, UpstreamAccount>;
  /** oidc-provider's default (true) puts the user's claims in userinfo only, not in the ID token. */
  conformIdTokenClaims?: boolean;
}

export interface UpstreamProvider {
  readonly issuer: string;
  readonly port: number;
  /** The account the next login interaction logs in. */
  loginAs: string;
  /** When true, the consent interaction answers `access_denied`. */
  denyConsent: boolean;
  /** How long ago the next login interaction says the user authenticated (`auth_time`); default 0. */
  authTimeAgoSeconds: number;
  /** How many login interactions (the user authenticating at the upstream) there were. */
  logins: number;
  /** How many refresh token grants the upstream answered (successfully or not). */
  refreshes: number;
  /** Replaces an account's claims (`undefined` removes the account: it no longer exists upstream). */
  setAccount(id: string, account: UpstreamAccount | undefined): void;
  /** Revokes every grant an account gave (and so the refresh tokens issued from them). */
  revokeGrantsOf(id: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real upstream OpenID Provider for connector tests: panva's `oidc-provider` (9.x) on
 * 127.0.0.1 over http, with its in-memory adapter, the given confidential clients
 * (`client_secret_basic`) and accounts. Its login and consent interactions need no browser:
 * `/interaction/<uid>` logs in `loginAs` and grants whatever is asked (or refuses consent
 * with `access_denied` when `denyConsent` is set) through `interactionFinished`, which
 * redirects back into the provider.
 */
export async function startUpstreamProvider(options: StartUpstreamOptions): Promise<UpstreamProvider> {
  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const accounts = new Map(Object.entries(options.accounts));
  /** The grants each account gave (for `revokeGrantsOf`). */
  const grantsOf = new Map<string, Set<string>>();
  const provider = new Provider(issuer, {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'upstream-rs256', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    conformIdTokenClaims: options.conformIdTokenClaims ?? true,
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    // dex must use PKCE even as a confidential client.
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      return account === undefined ? undefined : { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
  });
  provider.on('grant.success', (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') state.refreshes++;
  });
  provider.on('grant.error', (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') state.refreshes++;
  });

  const state: UpstreamProvider = {
    issuer,
    port,
    loginAs: Object.keys(options.accounts)[0] ?? '',
    denyConsent: false,
    authTimeAgoSeconds: 0,
    logins: 0,
    refreshes: 0,
    setAccount(id, account) {
      if (account === undefined) accounts.delete(id);
      else accounts.set(id, account);
    },
    async revokeGrantsOf(id) {
      for (const grantId of grantsOf.get(id) ?? []) {
        const grant = await provider.Grant.find(grantId);
        await grant?.destroy();
      }
      grantsOf.delete(id);
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      state.logins++;
      const ts = Math.floor(Date.now() / 1000) - state.authTimeAgoSeconds;
      await provider.interactionFinished(req, res, { login: { accountId: state.loginAs, ts } }, { mergeWithLastSubmission: false });
      return;
    }
    if (state.denyConsent) {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const accountId = details.session?.accountId ?? state.loginAs;
    const grant =
      (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
      new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details;
    if (Array.isArray(missing.missingOIDCScope)) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (Array.isArray(missing.missingOIDCClaims)) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
    const resourceScopes = (missing.missingResourceScopes ?? {}) as Record<string, string[]>;
    for (const [indicator, scopes] of Object.entries(resourceScopes)) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    grantsOf.set(accountId, (grantsOf.get(accountId) ?? new Set()).add(grantId));
    await provider.interactionFinished(req, res, { consent: details.grantId === undefined ? { grantId } : {} });
  }

  const handler = provider.callback();
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return state;
}
