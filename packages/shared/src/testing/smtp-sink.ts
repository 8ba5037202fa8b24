import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the sink received, parsed. */
export interface ReceivedEmail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Whether the session was encrypted (STARTTLS or implicit TLS) when the message came. */
  secure: boolean;
  /** The user the client authenticated as, if it did. */
  user: string | undefined;
}

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  readonly messages: readonly ReceivedEmail[];
  /** The CA certificate file (PEM) clients must trust, with `tls`. */
  readonly caFile?: string;
  /** Resolves with the first message (already received or to come) that `match` accepts; rejects after `timeoutMs`. */
  waitFor(match: (message: ReceivedEmail) => boolean, timeoutMs?: number): Promise<ReceivedEmail>;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 (openssl), in a temporary directory. */
function selfSignedCertificate(): { dir: string; key: string; cert: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dex-smtp-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { dir, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/**
 * A real SMTP server in-process (the `smtp-server` package) on a free port of 127.0.0.1 that
 * keeps what it receives, parsed with `mailparser`. With `tls`, it offers STARTTLS with a
 * fresh self-signed certificate (`caFile` to trust); without, STARTTLS is not offered. With
 * `auth`, clients must log in with that user and password.
 * @example const sink = await startSmtpSink(); ...; const mail = await sink.waitFor((m) => m.to === email);
 */
export async function startSmtpSink(options: { tls?: boolean; auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const messages: ReceivedEmail[] = [];
  const waiters = new Set<() => void>();
  const certificate = options.tls === true ? selfSignedCertificate() : undefined;
  const server = new SMTPServer({
    ...(certificate === undefined ? { disabledCommands: ['STARTTLS'] } : { key: certificate.key, cert: certificate.cert }),
    authOptional: options.auth === undefined,
    allowInsecureAuth: certificate === undefined,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth !== undefined && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
          messages.push({
            to: to?.value[0]?.address ?? '',
            from: parsed.from?.value[0]?.address ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: unknown) => callback(error as Error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    messages,
    ...(certificate === undefined ? {} : { caFile: certificate.certFile }),
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching email within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (certificate !== undefined) rmSync(certificate.dir, { recursive: true, force: true });
    },
  };
}
