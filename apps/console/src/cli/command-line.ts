import type { CommandFlags } from './command.ts';

/** A command's flags, looked up by name. */
export function toCommandFlags(occurrences: ReadonlyMap<string, readonly string[]>): CommandFlags {
  return {
    value: (name) => occurrences.get(name)?.at(-1),
    values: (name) => occurrences.get(name) ?? [],
    isSet: (name) => occurrences.get(name)?.at(-1) === 'true',
  };
}
