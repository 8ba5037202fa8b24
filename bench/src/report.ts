/** Plain-text tables for the terminal. */

export type Cell = string | number;

function formatCell(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return '-';
  if (Number.isInteger(cell) || Math.abs(cell) >= 100) return Math.round(cell).toLocaleString('en-US');
  if (Math.abs(cell) >= 10) return cell.toFixed(1);
  if (Math.abs(cell) >= 1) return cell.toFixed(2);
  return cell.toFixed(3);
}

/** A table with a header row; numbers are right-aligned, text left-aligned. */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(formatCell));
  const widths = header.map((title, column) => Math.max(title.length, ...text.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]) =>
    cells
      .map((cell, column) => (numeric[column] === true ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const numericColumns = header.map((_, column) => rows.some((row) => typeof row[column] === 'number'));
  return [
    line(header, numericColumns),
    line(
      widths.map((width) => '-'.repeat(width)),
      [],
    ),
    ...text.map((row) => line(row, numericColumns)),
  ].join('\n');
}

/** `0.8123` → `81.2%`. */
export function percent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : '-';
}

/** Describes a token endpoint answer: each token's form (JWT with its alg, or opaque). */
export function describeTokenAnswer(body: string): string {
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  const form = (value: unknown) => {
    if (typeof value !== 'string') return undefined;
    const [header, , signature] = value.split('.');
    if (header === undefined || signature === undefined) return 'opaque';
    try {
      const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
      return `${String(alg)} JWT`;
    } catch {
      return 'opaque';
    }
  };
  return [
    ['AT', form(answer.access_token)],
    ['ID', form(answer.id_token)],
    ['RT', form(answer.refresh_token)],
  ]
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}
