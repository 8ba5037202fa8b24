import { createHash } from 'node:crypto';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** A tagged template that escapes every interpolated value unless it is already `SafeHtml`. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (const [index, value] of values.entries()) {
    out += renderValue(value) + (strings[index + 1] ?? '');
  }
  return new SafeHtml(out);
}

function renderValue(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#f6f7f9;--card:#fff;--muted:#5b6470;--accent:#2457d6;--err:#b42318;--border:#d7dbe0}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--bg:#14171a;--card:#1d2125;--muted:#9aa3ad;--accent:#7aa2ff;--err:#ff8a80;--border:#343a40}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:26rem;margin:8vh auto;padding:2rem;background:var(--card);border:1px solid var(--border);border-radius:12px}
h1{font-size:1.4rem;margin:0 0 1.25rem}p{margin:.5rem 0}.muted{color:var(--muted)}
label{display:block;font-weight:600;margin:.9rem 0 .3rem}input{width:100%;padding:.6rem .7rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--border);border-radius:8px}
input:focus,button:focus,a:focus{outline:3px solid var(--accent);outline-offset:2px}
button,.button{display:block;width:100%;margin-top:1.25rem;padding:.65rem;font:inherit;font-weight:600;text-align:center;text-decoration:none;color:#fff;background:var(--accent);border:0;border-radius:8px;cursor:pointer}
ul.connectors{list-style:none;padding:0;margin:0}ul.connectors li+li{margin-top:.75rem}
.error{color:var(--err);font-weight:600}
.unavailable{color:var(--muted);background:transparent;border:1px dashed var(--border);cursor:not-allowed}
`;

/**
 * The Content-Security-Policy of every page: nothing but this one stylesheet (allowed by its
 * hash), no scripts, no framing (clickjacking), no plugins, no <base> tricks.
 * `form-action` is left open on purpose: browsers apply it to the redirect that follows a
 * login POST, which must reach the client's redirect URI.
 */
export const PAGE_CSP = pageCsp();

/** The hash-source of an inline `<style>` or `<script>` (CSP Level 2). */
function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/**
 * The page CSP, plus the inline scripts a page needs, each allowed by its hash alone
 * (`script-src` stays closed to everything else).
 */
export function pageCsp(options: { scripts?: readonly string[] } = {}): string {
  const scripts = options.scripts ?? [];
  return [
    "default-src 'none'",
    `style-src ${hashSource(STYLE)}`,
    ...(scripts.length === 0 ? [] : [`script-src ${scripts.map(hashSource).join(' ')}`]),
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The page frame shared by every screen of the worker. */
export function layout(options: { title: string; issuerName: string; body: SafeHtml }): string {
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${options.title} · ${options.issuerName}</title><style>${new SafeHtml(STYLE)}</style></head><body><main>${options.body}</main></body></html>`}`;
}
