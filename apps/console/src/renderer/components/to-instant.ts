/**
 * A `datetime-local` value (the admin's time zone) as the ISO instant the admin API takes, or
 * undefined when empty or not a date.
 * @example toInstant('2026-01-10T12:00') // '2026-01-10T11:00:00.000Z' in Paris
 */
export function toInstant(local: string): string | undefined {
  if (local === '') return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
