import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@dex/shared/testing';

const run = promisify(execFile);
const SLAPD = '/usr/sbin/slapd';
const LDAPADD = '/usr/bin/ldapadd';
const LDAPMODIFY = '/usr/bin/ldapmodify';
const LDAPDELETE = '/usr/bin/ldapdelete';

export interface Slapd {
  readonly port: number;
  /** "127.0.0.1:<port>", as the ldap connector's `host` (plain, StartTLS when `tls`). */
  readonly host: string;
  /** With `tls`: the LDAPS "127.0.0.1:<port>" and the PEM file of the CA that signed the server's certificate. */
  readonly ldapsHost: string | null;
  readonly caFile: string | null;
  readonly suffix: string;
  readonly rootDN: string;
  readonly rootPassword: string;
  /** Adds LDIF entries as the root DN. */
  add(ldif: string): Promise<void>;
  /** Applies LDIF changes (`changetype: modify`, ...) as the root DN, with `ldapmodify`. */
  modify(ldif: string): Promise<void>;
  /** Deletes an entry as the root DN, with `ldapdelete`. */
  remove(dn: string): Promise<void>;
  /** Stops the server (the data stays); `start` brings it back on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Fails with a clear message when OpenLDAP is not installed (CI installs it; tests never do). */
export function requireSlapd(): void {
  if (!existsSync(SLAPD) || !existsSync(LDAPADD)) {
    throw new Error(
      `The LDAP tests need OpenLDAP's ${SLAPD} and ${LDAPADD}: install them with ` +
        '`DEBIAN_FRONTEND=noninteractive apt-get install -y slapd ldap-utils` (.ci/run does).',
    );
  }
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`slapd: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs an OpenLDAP server of its own: a `slapd.conf` (core, cosine, inetorgperson schemas,
 * an mdb database for `suffix`) in a temporary directory, on a free port of 127.0.0.1.
 */
/** A throwaway CA and a certificate for 127.0.0.1 it signed, made with the openssl CLI. */
async function makeCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=dex test CA',
  ]);
  await run('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '2',
    '-extfile',
    file('ext.cnf'),
  ]);
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

export async function startSlapd(options: { suffix?: string; rootPassword?: string; tls?: boolean } = {}): Promise<Slapd> {
  requireSlapd();
  const suffix = options.suffix ?? 'dc=example,dc=com';
  const rootDN = `cn=admin,${suffix}`;
  const rootPassword = options.rootPassword ?? 'root-secret-5f1c';
  const dir = await mkdtemp(join(tmpdir(), 'dex-slapd-'));
  await mkdir(join(dir, 'data'));
  const pidFile = join(dir, 'slapd.pid');
  const confFile = join(dir, 'slapd.conf');
  const certificates = options.tls === true ? await makeCertificates(dir) : null;
  await writeFile(
    confFile,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${pidFile}`,
      ...(certificates === null
        ? []
        : [
            `TLSCACertificateFile ${certificates.ca}`,
            `TLSCertificateFile ${certificates.cert}`,
            `TLSCertificateKeyFile ${certificates.key}`,
          ]),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      'maxsize 10485760',
      `suffix "${suffix}"`,
      `rootdn "${rootDN}"`,
      `rootpw ${rootPassword}`,
      `directory ${join(dir, 'data')}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const tlsPort = certificates === null ? null : await freePort();
  const urls = [`ldap://127.0.0.1:${port}/`, ...(tlsPort === null ? [] : [`ldaps://127.0.0.1:${tlsPort}/`])];
  let pid: number | null = null;

  async function start(): Promise<void> {
    await rm(pidFile, { force: true });
    await run(SLAPD, ['-f', confFile, '-h', urls.join(' '), '-u', 'root'], { timeout: 30_000 });
    await until('the pid file', async () => existsSync(pidFile));
    pid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
    await until(`listening on port ${port}`, () => accepts(port));
    if (tlsPort !== null) await until(`listening on port ${tlsPort}`, () => accepts(tlsPort));
  }

  async function kill(): Promise<void> {
    const current = pid;
    pid = null;
    if (current === null || !alive(current)) return;
    process.kill(current, 'SIGTERM');
    try {
      await until('the exit', async () => !alive(current), 10_000);
    } catch {
      process.kill(current, 'SIGKILL');
      await until('the exit after SIGKILL', async () => !alive(current), 10_000);
    }
  }

  try {
    await start();
  } catch (error) {
    await kill().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    port,
    host: `127.0.0.1:${port}`,
    ldapsHost: tlsPort === null ? null : `127.0.0.1:${tlsPort}`,
    caFile: certificates?.ca ?? null,
    suffix,
    rootDN,
    rootPassword,
    async add(ldif) {
      const file = join(dir, `add-${Date.now()}-${Math.random().toString(36).slice(2)}.ldif`);
      await writeFile(file, ldif);
      await run(LDAPADD, ['-x', '-H', `ldap://127.0.0.1:${port}/`, '-D', rootDN, '-w', rootPassword, '-f', file], { timeout: 30_000 });
    },
    async modify(ldif) {
      const file = join(dir, `modify-${Date.now()}-${Math.random().toString(36).slice(2)}.ldif`);
      await writeFile(file, ldif);
      await run(LDAPMODIFY, ['-x', '-H', `ldap://127.0.0.1:${port}/`, '-D', rootDN, '-w', rootPassword, '-f', file], { timeout: 30_000 });
    },
    async remove(entryDN) {
      await run(LDAPDELETE, ['-x', '-H', `ldap://127.0.0.1:${port}/`, '-D', rootDN, '-w', rootPassword, entryDN], { timeout: 30_000 });
    },
    kill,
    start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
