import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import type { Client, Entry, ResultCodeError } from 'ldapts';

/**
 * `ldapts`, imported at the first connection to a directory rather than when the program
 * starts: about 2 MB of heap that a deployment without an LDAP connector never needs. Until
 * then no LDAP error can exist, so the checks below answer false.
 */
let ldapts: typeof import('ldapts') | undefined;
async function loadLdapts(): Promise<typeof import('ldapts')> {
  ldapts ??= await import('ldapts');
  return ldapts;
}

export interface LdapDirectoryOptions {
  /** "host:port". */
  host: string;
  /** How the connection is protected: none, StartTLS on the plain port, or LDAPS. */
  security: 'none' | 'starttls' | 'ldaps';
  /** CA, client certificate and key (PEM contents, already read). */
  tls: Pick<ConnectionOptions, 'ca' | 'cert' | 'key'>;
  /** Connect and per-operation timeout. */
  timeoutMs: number;
  /** The service account for searches, or null to search anonymously. */
  service: { dn: string; password: string } | null;
  /** How long the service connection may stay idle before it is closed (default 60 s, at least 3 timeouts). */
  idleCloseMs?: number;
}

/**
 * Sockets that do not keep the process alive: a kept service connection must not delay the
 * worker's exit (the HTTP server keeps the process alive while requests use them).
 */
const connectUnref = ((...args: Parameters<typeof net.connect>) => net.connect(...args).unref()) as typeof net.connect;
const connectTlsUnref = ((...args: Parameters<typeof tls.connect>) => tls.connect(...args).unref()) as typeof tls.connect;

/** The directory said the DN or the password is wrong (result code 49). */
export function isInvalidCredentials(error: unknown): boolean {
  return ldapts !== undefined && error instanceof ldapts.InvalidCredentialsError;
}

/** The directory answered with an LDAP result code (as opposed to not answering at all). */
export function isDirectoryAnswer(error: unknown): error is ResultCodeError {
  return ldapts !== undefined && error instanceof ldapts.ResultCodeError;
}

/** The directory stopped a search at its size limit (result code 4). */
export function isSizeLimitExceeded(error: unknown): boolean {
  return ldapts !== undefined && error instanceof ldapts.SizeLimitExceededError;
}

/** Says in a few words why the directory could not be used (for logs and `/health`; no secrets). */
export function describeLdapError(error: unknown, host: string): string {
  if (isInvalidCredentials(error)) return `${host}: invalid credentials`;
  if (isDirectoryAnswer(error)) return `${host}: ${error.message} (LDAP result ${error.code})`;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return `${host}: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${host}: host not found`;
  if (error instanceof Error && /timed? ?out/i.test(error.message)) return `${host}: timed out`;
  if (error instanceof Error) return `${host}: ${error.message.split('\n')[0]}`;
  return `${host}: unreachable`;
}

/** The single-valued string of an attribute of a search entry (the first value), if any. */
export function firstValue(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  const text = typeof first === 'string' ? first : first.toString('utf8');
  return text === '' ? undefined : text;
}

/**
 * An LDAP server, on `ldapts`: one long-lived connection bound as the service account (or
 * anonymous) for searches, opened on first use, reopened when it dropped, closed when idle;
 * and a fresh short-lived connection for each user bind, so a user's bind never changes who
 * the shared connection is. Every connect and operation has a timeout.
 */
export class LdapDirectory {
  readonly #options: LdapDirectoryOptions;
  readonly #url: string;
  readonly #hostname: string;
  #service: Promise<Client> | null = null;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(options: LdapDirectoryOptions) {
    this.#options = options;
    this.#url = `${options.security === 'ldaps' ? 'ldaps' : 'ldap'}://${options.host}`;
    this.#hostname = new URL(this.#url).hostname.replace(/^\[|\]$/g, '');
  }

  /** A connected (and, with StartTLS, upgraded) client that nothing has bound yet. */
  async #connect(): Promise<Client> {
    const { security, tls: pem, timeoutMs } = this.#options;
    // The certificate is checked against the host name (SNI) or, for an address, its IP SAN.
    const name = net.isIP(this.#hostname) === 0 ? { servername: this.#hostname } : { host: this.#hostname };
    const tlsOptions: ConnectionOptions = { ...pem, ...name, minVersion: 'TLSv1.2' };
    const { Client } = await loadLdapts();
    const client = new Client({
      url: this.#url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      createConnection: connectUnref,
      createSecureConnection: connectTlsUnref,
      ...(security === 'ldaps' ? { tlsOptions } : {}),
    });
    if (security === 'starttls') {
      try {
        await client.startTLS(tlsOptions);
      } catch (error) {
        await client.unbind().catch(() => undefined);
        throw error;
      }
    }
    return client;
  }

  /**
   * A new connection (upgraded with StartTLS, or LDAPS) that nothing has bound yet; the
   * caller unbinds it. For step-by-step checks ("Test connection").
   */
  connect(): Promise<Client> {
    return this.#connect();
  }

  /** Binds with a DN and a password; an empty password (an unauthenticated bind) is never sent. */
  static async bind(client: Client, dn: string, password: string): Promise<void> {
    if (password === '' || dn === '') throw new Error('refusing an unauthenticated bind (empty DN or password)');
    await client.bind(dn, password);
  }

  async #openService(): Promise<Client> {
    const client = await this.#connect();
    try {
      const service = this.#options.service;
      if (service !== null) await LdapDirectory.bind(client, service.dn, service.password);
      return client;
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw error;
    }
  }

  async #serviceClient(): Promise<Client> {
    const current = this.#service;
    if (current !== null) {
      const client = await current.catch(() => null);
      const usable = client !== null && (this.#options.service === null ? client.isConnected : client.isBound);
      if (usable) return client;
      if (this.#service === current) this.#drop(client);
    }
    if (this.#service === null) {
      const opening = this.#openService();
      this.#service = opening;
      opening.catch(() => {
        if (this.#service === opening) this.#service = null;
      });
    }
    return this.#service as Promise<Client>;
  }

  #drop(client: Client | null): void {
    this.#service = null;
    if (client !== null) client.unbind().catch(() => undefined);
  }

  #touch(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    const idleMs = this.#options.idleCloseMs ?? Math.max(60_000, 3 * this.#options.timeoutMs);
    this.#idleTimer = setTimeout(() => this.close(), idleMs);
    this.#idleTimer.unref();
  }

  /**
   * Runs `operation` on the shared service connection. A connection that broke (the server
   * restarted, an idle connection was cut) is reopened and the operation tried once more.
   */
  async withService<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      // Only a connection opened earlier is worth a second try: a fresh one that fails means the server is down.
      const reused = this.#service !== null;
      const client = await this.#serviceClient();
      this.#touch();
      try {
        return await operation(client);
      } catch (error) {
        if (isDirectoryAnswer(error)) throw error;
        if (this.#service !== null && (await this.#service.catch(() => null)) === client) this.#drop(client);
        if (attempt > 0 || !reused) throw error;
      }
    }
  }

  /** Binds a fresh connection as `dn` with `password`, runs `operation` on it, and closes it. */
  async withUser<T>(dn: string, password: string, operation: (client: Client) => Promise<T>): Promise<T> {
    if (password === '') throw new Error('refusing an unauthenticated bind (empty password)');
    const client = await this.#connect();
    try {
      await LdapDirectory.bind(client, dn, password);
      return await operation(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** Connects and binds as the service account (or anonymously); rejects with the reason. */
  async check(): Promise<void> {
    let client: Client | null = null;
    try {
      client = await this.#connect();
      const service = this.#options.service;
      if (service === null) await client.bind('', '');
      else await LdapDirectory.bind(client, service.dn, service.password);
    } catch (error) {
      throw new Error(describeLdapError(error, this.#options.host));
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }

  /** Closes the service connection (it is reopened on the next use). */
  close(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const current = this.#service;
    this.#service = null;
    current?.then((client) => client.unbind()).catch(() => undefined);
  }
}
