import { readFileSync } from 'node:fs';
import type { Transporter } from 'nodemailer';
import type { Logger } from '#logging/index.ts';
import { Counter, type Registry } from '#metrics/index.ts';
import type { TEmailerConfig } from './emailer-config.ts';
import { type EmailTemplate, renderEmail, type TEmailTemplate } from './email-templates.ts';

/** One email to send: which template, to whom, and the link it carries. */
export interface EmailMessage {
  template: TEmailTemplate;
  to: string;
  link: string;
}

/** Sends dex's emails. Without `--email-cfg` it is not configured, and callers hand the link out instead (v0 `emailSent:false`). */
export interface Emailer {
  /** False without `--email-cfg`: nothing can be sent. */
  readonly isConfigured: boolean;
  /** Sends now; rejects when the server refuses or cannot be reached (the failure is logged and counted). */
  send(message: EmailMessage): Promise<void>;
  /**
   * Prepares and sends after the caller has answered: the user's action is already stored,
   * and neither the answer nor its timing depends on whether there is anyone to write to
   * (`prepare` resolves null: nothing to send) or on how sending went. Failures are logged
   * and counted.
   * @example emailer.sendLater('password-reset', async () => (user === null ? null : { to: user.email, link }));
   */
  sendLater(template: TEmailTemplate, prepare: () => Promise<Omit<EmailMessage, 'template'> | null>): void;
  /** Waits for the emails being sent in the background (tests, shutdown). */
  drain(): Promise<void>;
  close(): void;
}

export interface CreateEmailerOptions {
  /** The parsed `--email-cfg`; undefined: no emailer. */
  config: TEmailerConfig | undefined;
  templates: Readonly<Record<TEmailTemplate, EmailTemplate>>;
  issuerName: string;
  logger: Logger;
  /** The process's metrics registry: `dex_emails_sent_total` and `dex_email_send_failures_total` go there. */
  registry: Registry;
}

const FAKE_FROM = 'noreply@example.com';

/**
 * The nodemailer transport of an SMTP config: implicit TLS on 465, STARTTLS required on 587,
 * offered elsewhere. `ca` is the `caFile`'s text, read at start so that a wrong path stops the
 * process there. Nodemailer itself is imported at the first email: it is about 4 MB of heap
 * that a worker without `--email-cfg` (or one that never sends) does not need.
 */
async function smtpTransport(config: Extract<TEmailerConfig, { type: 'smtp' }>, ca: string | undefined): Promise<Transporter> {
  const { default: nodemailer } = await import('nodemailer');
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.port === 465,
    requireTLS: config.port === 587,
    ...(config.username === undefined || config.password === undefined ? {} : { auth: { user: config.username, pass: config.password } }),
    ...(ca === undefined ? {} : { tls: { ca } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

/**
 * The emailer of `--email-cfg` (dex v0 §8) with the templates of `--email-templates`:
 * `smtp` through Nodemailer, `fake` into the log (for development: it logs the link, which is
 * the point), or none. Failures are logged without the message body or the credentials, and
 * counted in `dex_email_send_failures_total{template}`.
 * @example const emailer = createEmailer({ config, templates: loadEmailTemplates(dir), issuerName, logger, registry });
 */
export function createEmailer(options: CreateEmailerOptions): Emailer {
  const { config, logger } = options;
  const sent = new Counter({
    name: 'dex_emails_sent_total',
    help: 'Emails handed to the mail server (or the log, with the fake emailer), by template.',
    labelNames: ['template'],
    registers: [options.registry],
  });
  const failures = new Counter({
    name: 'dex_email_send_failures_total',
    help: 'Emails that could not be sent, by template.',
    labelNames: ['template'],
    registers: [options.registry],
  });
  const smtp =
    config?.type === 'smtp' ? { config, ca: config.caFile === undefined ? undefined : readFileSync(config.caFile, 'utf8') } : undefined;
  let transport: Promise<Transporter> | undefined;
  const pending = new Set<Promise<void>>();

  async function deliver(message: EmailMessage): Promise<void> {
    const rendered = renderEmail(options.templates[message.template], {
      issuer_name: options.issuerName,
      email: message.to,
      link: message.link,
    });
    if (config === undefined) throw new Error('no emailer is configured (--email-cfg)');
    if (config.type === 'fake') {
      logger.info(
        { emailTemplate: message.template, to: message.to, from: config.from ?? FAKE_FROM, subject: rendered.subject, body: rendered.text },
        'fake emailer: email not sent, logged instead',
      );
      return;
    }
    if (smtp === undefined) return;
    transport ??= smtpTransport(smtp.config, smtp.ca);
    await (await transport).sendMail({
      from: config.from,
      to: message.to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
    });
  }

  async function send(message: EmailMessage): Promise<void> {
    try {
      await deliver(message);
      sent.inc({ template: message.template });
    } catch (error) {
      failures.inc({ template: message.template });
      const err = error as NodeJS.ErrnoException & { responseCode?: number };
      logger.error(
        { emailTemplate: message.template, errorCode: err.code ?? null, responseCode: err.responseCode ?? null, reason: err.message },
        'email not sent',
      );
      throw error;
    }
  }

  return {
    isConfigured: config !== undefined,
    send,
    sendLater(template, prepare) {
      const run = async () => {
        let message: Omit<EmailMessage, 'template'> | null;
        try {
          message = await prepare();
        } catch (error) {
          failures.inc({ template });
          logger.error({ emailTemplate: template, err: error }, 'email not sent: preparing it failed');
          return;
        }
        if (message !== null) await send({ template, ...message }).catch(() => undefined);
      };
      const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve)).then(run).finally(() => pending.delete(task));
      pending.add(task);
    },
    async drain() {
      await Promise.all([...pending]);
    },
    close() {
      transport?.then((t) => t.close()).catch(() => undefined);
    },
  };
}
