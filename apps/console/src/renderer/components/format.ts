const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A date-time for tables: the admin's locale and time zone.
 * @example formatDateTime('2026-01-01T10:00:00.000Z') // 'Jan 1, 2026, 11:00 AM' (in Europe/Paris)
 */
export function formatDateTime(iso: string | null): string {
  if (iso === null) return '—';
  return dateTime.format(new Date(iso));
}

/**
 * A duration as the largest two units ("3 h 12 min", "45 s"); negative durations are zero.
 * @example formatDuration(3_725_000) // '1 h 2 min'
 */
export function formatDuration(ms: number): string {
  let seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const parts: [number, string][] = [
    [days, 'd'],
    [hours, 'h'],
    [minutes, 'min'],
    [seconds, 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  if (first === -1) return '0 s';
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}

/**
 * "in 3 h 12 min" or "5 min ago", relative to `now`.
 * @example formatRelative('2026-01-01T10:05:00Z', Date.parse('2026-01-01T10:00:00Z')) // 'in 5 min'
 */
export function formatRelative(iso: string, now: number): string {
  const delta = Date.parse(iso) - now;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}
