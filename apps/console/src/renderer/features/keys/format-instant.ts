const instant = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * A key window's instant to the second, in the admin's locale and time zone (rotations are
 * seconds apart: the publish delay can be 5 s).
 * @example formatInstant('2026-01-01T10:00:05.000Z') // 'Jan 1, 2026, 11:00:05 AM' (in Europe/Paris)
 */
export function formatInstant(iso: string): string {
  return instant.format(new Date(iso));
}
