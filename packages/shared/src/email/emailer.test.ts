import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#logging/index.ts';
import { createMetricsRegistry } from '#metrics/index.ts';
import { freePort } from '#testing/index.ts';
import { type SmtpSink, startSmtpSink } from '#testing/smtp-sink.ts';
import { createEmailer, loadEmailTemplates, parseEmailerConfig, readEmailerConfig, type TEmailerConfig } from './index.ts';

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ name: 'test', destination }), lines };
}

function emailerFor(config: TEmailerConfig | undefined, options: { templatesDir?: string } = {}) {
  const registry = createMetricsRegistry();
  const { logger, lines } = capturingLogger();
  const emailer = createEmailer({ config, templates: loadEmailTemplates(options.templatesDir), issuerName: 'Acme <ID>', logger, registry });
  return { emailer, registry, lines };
}

describe('emailer config (--email-cfg)', () => {
  it('accepts v0 smtp and fake configs', () => {
    expect(parseEmailerConfig('{"type":"fake"}')).toEqual({ type: 'fake' });
    expect(
      parseEmailerConfig('{"type":"smtp","host":"mail.example","port":465,"username":"u","password":"p","from":"dex@example.com"}'),
    ).toMatchObject({
      type: 'smtp',
      port: 465,
    });
  });

  it.each([
    ['{"type":', 'is not valid JSON'],
    ['{"type":"mailgun"}', 'type must be "fake" or "smtp"'],
    ['{"type":"smtp","port":587,"from":"dex@example.com"}', 'host: host is required'],
    ['{"type":"smtp","host":"mail.example","port":587}', 'from: from is required'],
    ['{"type":"smtp","host":"mail.example","from":"a@b.c","username":"u"}', 'username and password must both be set or both be left out'],
  ])('refuses %s with a readable message', (text, message) => {
    expect(() => parseEmailerConfig(text)).toThrow(message);
  });

  it('names the file and never echoes the password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dex-email-cfg-'));
    const file = join(dir, 'emailer.json');
    writeFileSync(file, '{"type":"smtp","password":"hunter2-secret","username":"u","port":587}');
    try {
      expect(() => readEmailerConfig(file)).toThrow(`${file}: host: host is required`);
      let message = '';
      try {
        readEmailerConfig(file);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toContain('hunter2-secret');
      expect(() => readEmailerConfig(join(dir, 'missing.json'))).toThrow('cannot read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('smtp emailer against a real SMTP server', () => {
  let sink: SmtpSink;
  let tlsSink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: 'dex', pass: 'mail-secret' } });
    tlsSink = await startSmtpSink({ tls: true });
  });
  afterAll(async () => {
    await sink?.close();
    await tlsSink?.close();
  });

  it('sends the shipped template, text and HTML, logging in with the username and password', async () => {
    const { emailer } = emailerFor({
      type: 'smtp',
      host: sink.host,
      port: sink.port,
      username: 'dex',
      password: 'mail-secret',
      from: 'dex@example.com',
    });
    await emailer.send({ template: 'verify-email', to: 'ann@example.com', link: 'https://id.example/dex/verify-email?token=a.b.c' });
    const mail = await sink.waitFor((m) => m.to === 'ann@example.com');
    expect(mail.from).toBe('dex@example.com');
    expect(mail.subject).toBe('Please verify your email address.');
    expect(mail.user).toBe('dex');
    expect(mail.text).toContain('https://id.example/dex/verify-email?token=a.b.c');
    // The issuer name is escaped in HTML, plain in text.
    expect(mail.html).toContain('Acme &lt;ID&gt;');
    expect(mail.text).toContain('Acme <ID>');
    emailer.close();
  });

  it('upgrades to TLS with STARTTLS, trusting the CA of caFile', async () => {
    const { emailer } = emailerFor({
      type: 'smtp',
      host: tlsSink.host,
      port: tlsSink.port,
      from: 'dex@example.com',
      caFile: tlsSink.caFile ?? '',
    });
    await emailer.send({ template: 'password-reset', to: 'tls@example.com', link: 'https://id.example/r' });
    const mail = await tlsSink.waitFor((m) => m.to === 'tls@example.com');
    expect(mail.secure).toBe(true);
    expect(mail.subject).toBe('Reset Your Password');
    emailer.close();
  });

  it('refuses a server whose certificate it does not trust (no silent downgrade)', async () => {
    const { emailer, registry } = emailerFor({ type: 'smtp', host: tlsSink.host, port: tlsSink.port, from: 'dex@example.com' });
    await expect(emailer.send({ template: 'invite', to: 'untrusted@example.com', link: 'https://id.example/i' })).rejects.toThrow();
    expect(tlsSink.messages.some((m) => m.to === 'untrusted@example.com')).toBe(false);
    expect(await registry.getSingleMetricAsString('dex_email_send_failures_total')).toContain(
      'dex_email_send_failures_total{template="invite"} 1',
    );
    emailer.close();
  });

  it('logs and counts a failure in the background without the password or the link', async () => {
    const port = await freePort();
    const { emailer, registry, lines } = emailerFor({
      type: 'smtp',
      host: '127.0.0.1',
      port,
      username: 'u',
      password: 'mail-secret',
      from: 'dex@example.com',
    });
    emailer.sendLater('password-reset', async () => ({ to: 'bob@example.com', link: 'https://id.example/reset?token=secret-link' }));
    await emailer.drain();
    expect(await registry.getSingleMetricAsString('dex_email_send_failures_total')).toContain('{template="password-reset"} 1');
    const log = lines.join('');
    expect(log).toContain('email not sent');
    expect(log).not.toContain('mail-secret');
    expect(log).not.toContain('secret-link');
    emailer.close();
  });

  it('uses templates from --email-templates, escaping values in HTML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dex-templates-'));
    writeFileSync(join(dir, 'invite.subject'), 'Welcome to {{issuer_name}}\n');
    writeFileSync(join(dir, 'invite.html'), '<p>Hi {{email}}: <a href="{{link}}">go</a></p>');
    try {
      const { emailer } = emailerFor(
        { type: 'smtp', host: sink.host, port: sink.port, username: 'dex', password: 'mail-secret', from: 'dex@example.com' },
        { templatesDir: dir },
      );
      await emailer.send({ template: 'invite', to: 'carl@example.com', link: 'https://id.example/a?x=1&y="2"' });
      const mail = await sink.waitFor((m) => m.to === 'carl@example.com');
      expect(mail.subject).toBe('Welcome to Acme <ID>');
      expect(mail.html).toContain('href="https://id.example/a?x=1&amp;y=&quot;2&quot;"');
      // The text body is still the shipped one.
      expect(mail.text).toContain('To activate it');
      emailer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fake emailer', () => {
  it('writes the message to the log instead of sending it', async () => {
    const { emailer, lines } = emailerFor({ type: 'fake' });
    await emailer.send({ template: 'verify-email', to: 'dev@example.com', link: 'http://127.0.0.1:5556/dex/verify-email?token=x' });
    const log = lines.join('');
    expect(log).toContain('fake emailer');
    expect(log).toContain('dev@example.com');
    expect(log).toContain('verify-email?token=x');
  });

  it('without --email-cfg nothing is configured and sending fails', async () => {
    const { emailer } = emailerFor(undefined);
    expect(emailer.isConfigured).toBe(false);
    await expect(emailer.send({ template: 'invite', to: 'x@example.com', link: 'l' })).rejects.toThrow('no emailer is configured');
  });
});
