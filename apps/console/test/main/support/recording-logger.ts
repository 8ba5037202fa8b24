import type { MainLogger } from '#main/main-logger.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it was given, to assert what was (and was not) logged. */
export function createRecordingLogger(): MainLogger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const record = (level: LogEntry['level']) => (fields: Record<string, unknown>, message: string) => {
    entries.push({ level, fields, message });
  };
  return {
    entries,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => JSON.stringify(entries, (_key, value) => (value instanceof Error ? { message: value.message, stack: value.stack } : value)),
  };
}
