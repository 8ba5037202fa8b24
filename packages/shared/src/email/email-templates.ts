import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The emails dex sends (v0 §8), plus the notice to an existing account that someone tried to register with its address. */
export const EMAIL_TEMPLATES = ['verify-email', 'password-reset', 'invite', 'account-exists'] as const;
export type TEmailTemplate = (typeof EMAIL_TEMPLATES)[number];

/** A template's subject and bodies; `{{name}}` placeholders are filled in (HTML-escaped in `html`). */
export interface EmailTemplate {
  subject: string;
  text: string;
  html: string;
}

/** What every template can use: `{{issuer_name}}`, `{{email}}` (the recipient), `{{link}}`. */
export interface EmailTemplateData {
  issuer_name: string;
  email: string;
  link: string;
}

const frame = (body: string) =>
  `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1f24">${body}</body></html>\n`;

/** The shipped templates (override each file with `--email-templates DIR`: `<name>.txt`, `<name>.html`, `<name>.subject`). */
export const DEFAULT_EMAIL_TEMPLATES: Readonly<Record<TEmailTemplate, EmailTemplate>> = {
  'verify-email': {
    subject: 'Please verify your email address.',
    text: 'Hello,\n\nPlease confirm that {{email}} is your email address for {{issuer_name}} by opening this link:\n\n{{link}}\n\nIf you did not create an account, ignore this email.\n',
    html: frame(
      '<p>Hello,</p><p>Please confirm that {{email}} is your email address for {{issuer_name}}.</p><p><a href="{{link}}">Verify your email address</a></p><p>If you did not create an account, ignore this email.</p>',
    ),
  },
  'password-reset': {
    subject: 'Reset Your Password',
    text: 'Hello,\n\nSomeone asked to reset the password of {{email}} at {{issuer_name}}. To choose a new password, open this link (it works once, for one hour):\n\n{{link}}\n\nIf it was not you, ignore this email: your password stays as it is.\n',
    html: frame(
      '<p>Hello,</p><p>Someone asked to reset the password of {{email}} at {{issuer_name}}.</p><p><a href="{{link}}">Choose a new password</a> (the link works once, for one hour).</p><p>If it was not you, ignore this email: your password stays as it is.</p>',
    ),
  },
  invite: {
    subject: 'Activate Your Account',
    text: 'Hello,\n\nAn account for {{email}} was created at {{issuer_name}}. To activate it, choose your password here:\n\n{{link}}\n',
    html: frame(
      '<p>Hello,</p><p>An account for {{email}} was created at {{issuer_name}}.</p><p><a href="{{link}}">Activate your account</a> by choosing your password.</p>',
    ),
  },
  'account-exists': {
    subject: 'Someone tried to register with your email address',
    text: 'Hello,\n\nSomeone tried to create an account at {{issuer_name}} with {{email}}, which already has one. If it was you, just log in; if you forgot your password, reset it here:\n\n{{link}}\n\nIf it was not you, ignore this email.\n',
    html: frame(
      '<p>Hello,</p><p>Someone tried to create an account at {{issuer_name}} with {{email}}, which already has one.</p><p>If it was you, just log in; if you forgot your password, <a href="{{link}}">reset it here</a>.</p><p>If it was not you, ignore this email.</p>',
    ),
  },
};

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

function fill(template: string, data: EmailTemplateData, encode: (value: string) => string): string {
  const values: Readonly<Record<string, string>> = { ...data };
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : encode(value);
  });
}

/**
 * Renders a template: its subject, text and HTML with the placeholders filled in. Values are
 * HTML-escaped in the HTML body; subjects and text are plain (line breaks in values are dropped).
 * @example renderEmail(DEFAULT_EMAIL_TEMPLATES['verify-email'], { issuer_name: 'dex', email, link })
 */
export function renderEmail(template: EmailTemplate, data: EmailTemplateData): EmailTemplate {
  const plain = (value: string) => value.replace(/[\r\n]+/g, ' ');
  return {
    subject: fill(template.subject, data, plain).trim(),
    text: fill(template.text, data, plain),
    html: fill(template.html, data, escapeHtml),
  };
}

function readOptional(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`--email-templates: cannot read ${join(dir, file)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/**
 * The templates in use: the shipped ones, each file of `dir` (`verify-email.txt`,
 * `verify-email.html`, `verify-email.subject`, ...) replacing its counterpart. Read once at start.
 * @example const templates = loadEmailTemplates('/etc/dex/email');
 */
export function loadEmailTemplates(dir?: string): Readonly<Record<TEmailTemplate, EmailTemplate>> {
  if (dir === undefined) return DEFAULT_EMAIL_TEMPLATES;
  const entries = EMAIL_TEMPLATES.map((name) => {
    const shipped = DEFAULT_EMAIL_TEMPLATES[name];
    return [
      name,
      {
        subject: readOptional(dir, `${name}.subject`)?.trim() ?? shipped.subject,
        text: readOptional(dir, `${name}.txt`) ?? shipped.text,
        html: readOptional(dir, `${name}.html`) ?? shipped.html,
      },
    ] as const;
  });
  return Object.fromEntries(entries) as Record<TEmailTemplate, EmailTemplate>;
}
