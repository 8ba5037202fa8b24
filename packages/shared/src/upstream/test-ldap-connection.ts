import type { Client } from 'ldapts';
import { ConnectionSteps, type ConnectionStep } from './connection-steps.ts';
import { describeLdapError, isDirectoryAnswer, isSizeLimitExceeded, LdapDirectory } from './ldap-directory.ts';
import { type LdapConnectorConfig, ldapDirectoryOptions, ldapHostOf } from './ldap-directory-options.ts';

export interface TestLdapConnectionOptions {
  config: LdapConnectorConfig;
  /** The bound of the connect and of each operation (default: the config's `timeout`, itself 10 s by default). */
  timeoutMs?: number;
  /** Reads `caFile`, `certFile`, `keyFile` (default: from disk). */
  readFile?: (path: string) => Buffer;
}

const SECURITY_WORDS = { none: 'plain LDAP', starttls: 'StartTLS', ldaps: 'LDAPS' } as const;

/**
 * What the worker's LDAP connector needs from its directory, checked with the worker's own
 * `LdapDirectory` code: read the TLS files, connect (and upgrade with StartTLS or open
 * LDAPS, checking the certificate), bind as the service account (or anonymously when there
 * is none), and search one level under the base DN. Every step is bounded by the timeout;
 * the password is never part of a message.
 * @example (await testLdapConnection({ config })).at(-1)?.ok
 */
export async function testLdapConnection(options: TestLdapConnectionOptions): Promise<ConnectionStep[]> {
  const { config } = options;
  const host = ldapHostOf(config);
  const steps = new ConnectionSteps((error) => describeLdapError(error, host));
  const directoryOptions = await steps.run('Read the TLS files', async () => {
    const read = ldapDirectoryOptions(config, options.readFile === undefined ? {} : { readFile: options.readFile });
    const files = ['caFile', 'certFile', 'keyFile'].filter((name) => config[name as keyof LdapConnectorConfig] !== undefined).length;
    return { message: files === 0 ? 'no TLS files configured' : `read ${files} file${files === 1 ? '' : 's'}`, value: read };
  });
  if (directoryOptions === undefined) return steps.steps;
  const timeoutMs = options.timeoutMs ?? directoryOptions.timeoutMs;
  const { security, service } = directoryOptions;
  const directory = new LdapDirectory({ ...directoryOptions, timeoutMs, idleCloseMs: Math.max(timeoutMs, 1_000) });
  try {
    const client = await steps.run(`Connect${security === 'none' ? '' : ` (${SECURITY_WORDS[security]})`}`, async () => {
      const connected = await directory.connect();
      try {
        await readRootDse(connected);
      } catch (error) {
        await connected.unbind().catch(() => undefined);
        throw error;
      }
      return { message: `connected to ${host} with ${SECURITY_WORDS[security]}`, value: connected };
    });
    if (client === undefined) return steps.steps;
    try {
      await steps.run(service === null ? 'Bind anonymously' : 'Bind as the service account', async () => {
        if (service === null) await client.bind('', '');
        else await LdapDirectory.bind(client, service.dn, service.password);
        return { message: service === null ? 'anonymous bind accepted' : `bound as ${service.dn}`, value: true };
      });
      await steps.run('Search under the base DN', () => searchBase(client, config.baseDN ?? ''));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  } finally {
    directory.close();
  }
  return steps.steps;
}

/**
 * Reads the root DSE, which makes `ldapts` open the connection (it connects on the first
 * operation; StartTLS already did). A directory that refuses the read still answered: it
 * is reachable.
 */
async function readRootDse(client: Client): Promise<void> {
  try {
    await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['supportedLDAPVersion'] });
  } catch (error) {
    if (!isDirectoryAnswer(error)) throw error;
  }
}

/** How many entries the test search asks for at most. */
const SAMPLE = 5;

/** Searches one level under the base DN, asking only for DNs, and says how many entries it found. */
async function searchBase(client: Client, baseDN: string) {
  const where = baseDN === '' ? 'the root DSE' : baseDN;
  let found: number;
  try {
    const { searchEntries } = await client.search(baseDN, {
      scope: 'one',
      filter: '(objectClass=*)',
      attributes: ['1.1'],
      sizeLimit: SAMPLE,
    });
    found = searchEntries.length;
  } catch (error) {
    if (!isSizeLimitExceeded(error)) throw error;
    found = SAMPLE;
  }
  const count = found >= SAMPLE ? `${SAMPLE} or more entries` : `${found} entr${found === 1 ? 'y' : 'ies'}`;
  return { message: `found ${count} under ${where}`, value: found };
}
