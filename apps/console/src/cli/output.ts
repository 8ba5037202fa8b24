import type { DexctlIo } from './command.ts';
import { shellQuote } from './shell-quote.ts';

/** What an empty or unset value shows as in text output. */
const NONE = '-';

/** Writes one JSON document (indented, newline-terminated): the whole stdout of `--json`. */
export function writeJson(io: DexctlIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A value fit for one cell of terminal output: control characters (newlines, escape
 * sequences from a stored name) become `?`; empty becomes `-`.
 * @example cell('') // '-'
 */
export function cell(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return NONE;
  return value.replace(/\p{Cc}/gu, '?');
}

/** @example yesNo(true) // 'yes' */
export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** A list in one cell: comma-separated, or `-` when empty. */
export function list(values: readonly string[]): string {
  return values.length === 0 ? NONE : values.map(cell).join(', ');
}

/**
 * Aligned columns under an upper-case header, two spaces apart, without trailing spaces.
 * @example formatTable(['ID', 'NAME'], [['a', 'App']]) // 'ID  NAME\na   App\n'
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((value, column) => (column === row.length - 1 ? value : value.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

/**
 * `Label:  value` lines with the values aligned; a list value puts one item per line.
 * @example formatFields([['ID', 'a'], ['Redirect URIs', ['x', 'y']]])
 */
export function formatFields(fields: readonly (readonly [string, string | readonly string[]])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length + 1));
  const lines: string[] = [];
  for (const [label, value] of fields) {
    const values = typeof value === 'string' ? [value] : value.length === 0 ? [NONE] : value.map(cell);
    values.forEach((item, index) => {
      lines.push(`${(index === 0 ? `${label}:` : '').padEnd(width)}  ${item}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Shell assignments for `eval "$(dexctl ...)"`, after a `#` comment line; values are quoted
 * for a POSIX shell.
 * @example shellAssignments('Added new user:', [['DEX_USER_ID', id]])
 */
export function shellAssignments(comment: string, assignments: readonly (readonly [string, string])[]): string {
  const lines = [`# ${comment}`, ...assignments.map(([name, value]) => `${name}=${shellQuote(value)}`)];
  return `${lines.join('\n')}\n`;
}
