import { readFileSync } from 'node:fs';
import type { Client, Entry } from 'ldapts';
import { locals } from '@dex/shared/http';
import type { TConnectorLoginFailure } from '#http/metrics.ts';
import {
  describeLdapError,
  type LdapConnectorConfig,
  firstValue,
  isDirectoryAnswer,
  isInvalidCredentials,
  LdapDirectory,
  ldapDirectoryOptions,
  ldapHostOf,
} from '@dex/shared/upstream';
import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape.ts';
import type { UpstreamIdentity } from './oidc-identity.ts';
import { createPasswordFormConnector, type PasswordFormDeps } from './password-form.ts';
import type { Connector, ConnectorContext, RefreshData, RefreshedIdentity } from './types.ts';

export type { LdapConnectorConfig };

export interface LdapConnectorDeps extends PasswordFormDeps {
  /** Reads `caFile`, `certFile`, `keyFile` (tests replace it). */
  readFile?: (path: string) => Buffer;
}

/** The one message for every failed password login, so it does not reveal which usernames exist. */
const INVALID_LOGIN = 'Invalid username or password.';
const UNAVAILABLE = 'The directory server cannot be reached right now. Try again in a few minutes.';
const MAX_USERNAME = 256;

/** A failed login: what the user reads, the HTTP status, and what is logged. */
class LoginFailure extends Error {
  readonly status: number;
  readonly userMessage: string;
  /** For the login metrics. */
  readonly outcome: TConnectorLoginFailure;
  constructor(options: { status: number; userMessage: string; outcome: TConnectorLoginFailure; reason: string }) {
    super(options.reason);
    this.status = options.status;
    this.userMessage = options.userMessage;
    this.outcome = options.outcome;
  }
}

const invalid = (reason: string) => new LoginFailure({ status: 401, userMessage: INVALID_LOGIN, outcome: 'invalid_credentials', reason });

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
  const _loginPath = `${context.issuerPath}/auth/${encodeURIComponent(config.id)}/login`;
  const host = ldapHostOf(config);
  const baseDN = config.baseDN ?? '';
  const nameAttribute = config.nameAttribute ?? 'cn';
  const emailAttribute = config.emailAttribute ?? 'mail';
  const scope = config.searchScope ?? 'one';
  const bindTemplate = config.bindTemplate ?? 'uid=%u,%b';
  const readFile = deps.readFile ?? readFileSync;

  let setupError: string | null = null;
  let directory: LdapDirectory | null = null;
  try {
    directory = new LdapDirectory(ldapDirectoryOptions(config, { readFile }));
  } catch (error) {
    setupError = `cannot set up the connection to ${host}: ${error instanceof Error ? error.message : String(error)}`;
  }

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

  /**
   * The user's entry again, for a refresh: in search mode the login's search for the username
   * (exactly one entry, with the DN of the login), else the login's DN read as the service
   * account (or anonymously). Null when the directory no longer has it (deleted, renamed, or
   * filtered out, as a disabled account is by a filter that excludes it).
   */
  async function findAgain(dir: LdapDirectory, username: string, dn: string): Promise<Entry | null> {
    try {
      if (config.searchBeforeAuth !== true) return await dir.withService((client) => readEntry(client, dn));
      const filter = fillTemplate(config.searchFilter ?? '(uid=%u)', {
        username: escapeFilterValue(username),
        baseDN: escapeFilterValue(baseDN),
      });
      const found = await dir.withService((client) =>
        client.search(baseDN, { scope, filter, attributes: [nameAttribute, emailAttribute], sizeLimit: 2 }),
      );
      const entry = found.searchEntries.length === 1 ? found.searchEntries[0] : undefined;
      return entry !== undefined && entry.dn.toLowerCase() === dn.toLowerCase() ? entry : null;
    } catch (error) {
      // "No such object", more than one match: the directory answered, the user is not there.
      if (error instanceof LoginFailure || isDirectoryAnswer(error)) return null;
      throw error;
    }
  }

  /** dex v2's LDAP `Refresh`: the entry must still be found; its groups are read again. */
  async function refresh(data: RefreshData): Promise<RefreshedIdentity> {
    if (directory === null) throw new Error(setupError ?? 'not set up');
    const { username, dn } = data;
    if (username === undefined || dn === undefined) return { status: 'gone', reason: 'the login recorded no directory entry' };
    const entry = await findAgain(directory, username, dn);
    if (entry === null) return { status: 'gone', reason: `the entry ${dn} is no longer in the directory` };
    const groups = await directory.withService((client) => findGroups(client, entry.dn));
    return { status: 'ok', groups: groups ?? [] };
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

  return createPasswordFormConnector(
    {
      id: config.id,
      type: 'ldap',
      displayName: config.name ?? config.id,
      connectorName: config.name ?? config.id,
      loginLabel: 'Username',
      maxLoginLength: MAX_USERNAME,
      accountKey: (login) => `ldap:${config.id}:${login.toLowerCase()}`,
      async checkHealth() {
        if (setupError !== null || directory === null) throw new Error(setupError ?? 'not set up');
        await directory.check();
      },
      refresh,
      async check(login, password, res) {
        const log = locals(res).log;
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
              outcome: 'incomplete_identity',
              reason: `the entry ${entry.dn} has no "${emailAttribute}" attribute`,
            });
          }
          const name = firstValue(entry, nameAttribute);
          const identity: UpstreamIdentity = {
            id: entry.dn,
            email,
            emailVerified: true,
            ...(name === undefined ? {} : { name }),
            ...(groups === undefined ? {} : { groups }),
          };
          return { ok: true, identity, refreshData: { username: login, dn: entry.dn } };
        } catch (error) {
          const failure = toFailure(error);
          if (failure.outcome === 'invalid_credentials')
            log?.info({ connectorId: config.id, reason: failure.message }, 'ldap login refused');
          else log?.warn({ connectorId: config.id, reason: failure.message }, 'ldap login failed');
          return { ok: false, status: failure.status, message: failure.userMessage, reason: failure.outcome };
        }
      },
    },
    context,
    deps,
  );
}
