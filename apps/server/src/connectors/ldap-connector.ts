import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import type { Client, Entry } from 'ldapts';
import { findAuthSession } from '@dex/shared/domain/auth';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import type { PrismaDb } from '@dex/shared/db';
import { locals } from '@dex/shared/http';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import type { WorkerMetrics } from '#http/metrics.ts';
import type { FailureRateLimiter } from '#http/rate-limit.ts';
import { renderPasswordPage } from '#pages/password-page.ts';
import { describeLdapError, firstValue, isDirectoryAnswer, isInvalidCredentials, LdapDirectory } from './ldap-directory.ts';
import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape.ts';
import type { UpstreamIdentity } from './oidc-identity.ts';
import type { Connector, ConnectorContext } from './types.ts';

export type LdapConnectorConfig = Extract<TConnectorConfig, { type: 'ldap' }>;

export interface LdapConnectorDeps {
  prisma: PrismaDb;
  /** Failed logins per username (shared by the worker's password connectors; keys are prefixed by connector). */
  perAccount: FailureRateLimiter;
  /** Failed logins per client address. */
  perAddress: FailureRateLimiter;
  metrics: WorkerMetrics;
  /** Reads `caFile`, `certFile`, `keyFile` (tests replace it). */
  readFile?: (path: string) => Buffer;
}

/** The one message for every failed password login, so it does not reveal which usernames exist. */
const INVALID_LOGIN = 'Invalid username or password.';
const TOO_MANY = 'Too many failed logins. Wait a few minutes and try again.';
const UNAVAILABLE = 'The directory server cannot be reached right now. Try again in a few minutes.';
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_USERNAME = 256;

/** A failed login: what the user reads, the HTTP status, and what is logged. */
class LoginFailure extends Error {
  readonly status: number;
  readonly userMessage: string;
  readonly outcome: string;
  constructor(options: { status: number; userMessage: string; outcome: string; reason: string }) {
    super(options.reason);
    this.status = options.status;
    this.userMessage = options.userMessage;
    this.outcome = options.outcome;
  }
}

const invalid = (reason: string) => new LoginFailure({ status: 401, userMessage: INVALID_LOGIN, outcome: 'invalid_credentials', reason });

function timeoutMs(value: number | string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value === 'number') return value;
  const amount = Number.parseInt(value, 10);
  return value.endsWith('ms') ? amount : value.endsWith('m') ? amount * 60_000 : amount * 1_000;
}

/**
 * The `ldap` connector (reference §6.2): a username and password form checked against an
 * LDAP directory, on `ldapts`. Two modes:
 * - bindTemplate (default `uid=%u,%b`): bind as the templated DN (the username DN-escaped,
 *   RFC 4514) and read that entry;
 * - searchBeforeAuth: bind as the service account, search with `searchFilter` (the username
 *   filter-escaped, RFC 4515), require exactly one entry, then bind as its DN.
 * An empty password is refused before the directory is asked (it would be an unauthenticated
 * bind). The identity is `{ id: entry DN, name, email (required), emailVerified: true }`
 * (v0 trusted LDAP emails), plus the DNs of the groups `searchGroupFilter` finds.
 * The form, CSRF token, generic error and rate limits are the local connector's.
 */
export function createLdapConnector(config: LdapConnectorConfig, context: ConnectorContext, deps: LdapConnectorDeps): Connector {
  const loginPath = `${context.issuerPath}/auth/${encodeURIComponent(config.id)}/login`;
  const host = config.host ?? `${config.serverHost}:${config.serverPort ?? (config.useSSL === true ? 636 : 389)}`;
  const baseDN = config.baseDN ?? '';
  const nameAttribute = config.nameAttribute ?? 'cn';
  const emailAttribute = config.emailAttribute ?? 'mail';
  const scope = config.searchScope ?? 'one';
  const bindTemplate = config.bindTemplate ?? 'uid=%u,%b';
  const readFile = deps.readFile ?? readFileSync;

  let setupError: string | null = null;
  let directory: LdapDirectory | null = null;
  try {
    directory = new LdapDirectory({
      host,
      security: config.useSSL === true ? 'ldaps' : config.useTLS === true ? 'starttls' : 'none',
      tls: {
        ...(config.caFile === undefined ? {} : { ca: readFile(config.caFile) }),
        ...(config.certFile === undefined ? {} : { cert: readFile(config.certFile) }),
        ...(config.keyFile === undefined ? {} : { key: readFile(config.keyFile) }),
      },
      timeoutMs: timeoutMs(config.timeout),
      service: config.searchBindDN === undefined ? null : { dn: config.searchBindDN, password: config.searchBindPw ?? '' },
    });
  } catch (error) {
    setupError = `cannot set up the connection to ${host}: ${error instanceof Error ? error.message : String(error)}`;
  }

  async function loadSession(sessionId: string) {
    if (sessionId === '' || sessionId.length > 128) return null;
    const session = await findAuthSession(deps.prisma, sessionId);
    return session !== null && session.state === 'NEW' && session.connectorId === config.id ? session : null;
  }

  function renderForm(req: Request, res: Response, status: number, sessionId: string, extra: { login?: string; error?: string }) {
    const csrfToken = issueCsrfToken(req, res, { path: context.issuerPath || '/', secure: context.secureCookies });
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        renderPasswordPage({
          issuerName: context.issuerName,
          connectorName: config.id,
          loginLabel: 'Username',
          postUrl: loginPath,
          sessionId,
          csrfToken,
          ...extra,
        }),
      );
  }

  const expired = (res: Response) =>
    context.renderError(res, 400, 'Login expired', 'This login request is no longer valid. Go back to the application and start again.');

  async function readEntry(client: Client, dn: string): Promise<Entry> {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: [nameAttribute, emailAttribute],
    });
    const entry = searchEntries[0];
    if (entry === undefined) throw invalid('the bound entry cannot be read');
    return entry;
  }

  async function findGroups(client: Client, userDN: string): Promise<string[] | undefined> {
    if (config.searchGroupFilter === undefined) return undefined;
    const filter = fillTemplate(config.searchGroupFilter, { username: escapeFilterValue(userDN), baseDN: escapeFilterValue(baseDN) });
    const { searchEntries } = await client.search(config.groupBaseDN ?? baseDN, { scope: 'sub', filter, attributes: ['1.1'] });
    return searchEntries.map((entry) => entry.dn);
  }

  /** Checks the password and returns the user's entry and groups. */
  async function authenticate(dir: LdapDirectory, username: string, password: string) {
    if (config.searchBeforeAuth !== true) {
      const dn = fillTemplate(bindTemplate, { username: escapeDnValue(username), baseDN });
      return dir.withUser(dn, password, async (client) => {
        const entry = await readEntry(client, dn);
        return { entry, groups: await findGroups(client, entry.dn) };
      });
    }
    const filter = fillTemplate(config.searchFilter ?? '(uid=%u)', {
      username: escapeFilterValue(username),
      baseDN: escapeFilterValue(baseDN),
    });
    const found = await dir.withService((client) =>
      client.search(baseDN, { scope, filter, attributes: [nameAttribute, emailAttribute], sizeLimit: 2 }),
    );
    if (found.searchEntries.length !== 1) throw invalid(`the search matched ${found.searchEntries.length} entries, not 1`);
    const entry = found.searchEntries[0] as Entry;
    await dir.withUser(entry.dn, password, async () => undefined);
    return { entry, groups: await dir.withService((client) => findGroups(client, entry.dn)) };
  }

  function toFailure(error: unknown): LoginFailure {
    if (error instanceof LoginFailure) return error;
    if (isInvalidCredentials(error)) return invalid('the directory refused the credentials');
    const reason = describeLdapError(error, host);
    if (isDirectoryAnswer(error)) {
      // A size limit means more than one entry matched; anything else the directory said
      // (no such object, a malformed DN from odd input) is a failed login too.
      return invalid(reason);
    }
    return new LoginFailure({ status: 503, userMessage: UNAVAILABLE, outcome: 'unavailable', reason });
  }

  return {
    id: config.id,
    type: 'ldap',
    displayName: config.id,
    loginUrl: (session, hints) => {
      const query = new URLSearchParams({ session: session.id });
      if (hints.loginHint !== undefined && hints.loginHint !== '') query.set('login_hint', hints.loginHint.slice(0, MAX_USERNAME));
      return `${loginPath}?${query.toString()}`;
    },
    async checkHealth() {
      if (setupError !== null || directory === null) throw new Error(setupError ?? 'not set up');
      await directory.check();
    },
    async handle(subPath, req, res) {
      if (subPath !== 'login') {
        context.renderError(res, 404, 'Not found', 'There is no such page.');
        return;
      }
      if (req.method === 'GET') {
        const sessionId = typeof req.query.session === 'string' ? req.query.session : '';
        if ((await loadSession(sessionId)) === null) return expired(res);
        const hint = typeof req.query.login_hint === 'string' ? req.query.login_hint : undefined;
        renderForm(req, res, 200, sessionId, hint === undefined ? {} : { login: hint });
        return;
      }
      if (req.method !== 'POST') {
        res.set('Allow', 'GET, POST');
        context.renderError(res, 405, 'Method not allowed', 'Use the login form.');
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const sessionId = typeof body.session === 'string' ? body.session : '';
      const login = typeof body.login === 'string' ? body.login.trim().slice(0, MAX_USERNAME) : '';
      const password = typeof body.password === 'string' ? body.password : '';
      if ((await loadSession(sessionId)) === null) return expired(res);
      if (!hasValidCsrfToken(req)) {
        renderForm(req, res, 403, sessionId, { login, error: 'Your session expired. Please log in again.' });
        return;
      }
      if (login === '' || password === '') {
        renderForm(req, res, 400, sessionId, { login, error: login === '' ? 'Enter your username.' : 'Enter your password.' });
        return;
      }
      const accountKey = `ldap:${config.id}:${login.toLowerCase()}`;
      const addressKey = req.socket.remoteAddress ?? 'unknown';
      if (deps.perAccount.isBlocked(accountKey) || deps.perAddress.isBlocked(addressKey)) {
        deps.metrics.logins.inc({ connector: config.id, outcome: 'rate_limited' });
        renderForm(req, res, 429, sessionId, { login, error: TOO_MANY });
        return;
      }
      const log = locals(res).log;
      let identity: UpstreamIdentity;
      try {
        if (directory === null) {
          throw new LoginFailure({ status: 503, userMessage: UNAVAILABLE, outcome: 'unavailable', reason: setupError ?? 'not set up' });
        }
        const { entry, groups } = await authenticate(directory, login, password);
        const email = firstValue(entry, emailAttribute);
        if (email === undefined) {
          throw new LoginFailure({
            status: 403,
            userMessage: `Your directory entry has no email address ("${emailAttribute}"), which this login needs. Ask an administrator.`,
            outcome: 'missing_email',
            reason: `the entry ${entry.dn} has no "${emailAttribute}" attribute`,
          });
        }
        const name = firstValue(entry, nameAttribute);
        identity = {
          id: entry.dn,
          email,
          emailVerified: true,
          ...(name === undefined ? {} : { name }),
          ...(groups === undefined ? {} : { groups }),
        };
      } catch (error) {
        const failure = toFailure(error);
        deps.metrics.logins.inc({ connector: config.id, outcome: failure.outcome });
        if (failure.outcome === 'invalid_credentials') {
          deps.perAccount.recordFailure(accountKey);
          deps.perAddress.recordFailure(addressKey);
          log?.info({ connectorId: config.id, reason: failure.message }, 'ldap login refused');
        } else {
          log?.warn({ connectorId: config.id, reason: failure.message }, 'ldap login failed');
        }
        renderForm(req, res, failure.status, sessionId, { login, error: failure.userMessage });
        return;
      }
      deps.metrics.logins.inc({ connector: config.id, outcome: 'success' });
      deps.perAccount.reset(accountKey);
      await context.completeLogin({ sessionId, connectorId: config.id, identity, res });
    },
  };
}
