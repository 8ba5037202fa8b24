import { usageError } from '@dex/shared/config';
import type { CommandFlags, CommandFlagSpec } from './command.ts';

export interface ParsedCommandLine {
  /** Every value of every flag given, in order (booleans as `true`/`false`). */
  readonly occurrences: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/**
 * Parses flags as `@dex/shared/config`'s `parseArgs` does (`--name value`, `--name=value`,
 * boolean `--name`, `--` ends the flags, `-` is an argument), with the same messages, but
 * keeps every occurrence so a flag can repeat (`--trusted-peer a --trusted-peer b`). Reads
 * no environment: dexctl reads its variables once, for the global flags.
 * @throws AppError `INVALID_CONFIG` for an unknown flag, a missing value or a bad boolean.
 * @example parseCommandLine({ specs, argv: ['--public', 'https://app.example/cb'] }).positionals // ['https://app.example/cb']
 */
export function parseCommandLine(options: {
  specs: readonly CommandFlagSpec[];
  argv: readonly string[];
  /** Stop at the first argument (the command name); the rest is left in `positionals`. */
  stopAtPositional?: boolean;
}): ParsedCommandLine {
  const byName = new Map(options.specs.map((spec) => [spec.name, spec]));
  const occurrences = new Map<string, string[]>();
  const positionals: string[] = [];
  let help = false;
  const add = (name: string, value: string) => occurrences.set(name, [...(occurrences.get(name) ?? []), value]);
  for (let i = 0; i < options.argv.length; i++) {
    const arg = options.argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...options.argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (options.stopAtPositional) {
        positionals.push(...options.argv.slice(i));
        break;
      }
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const spec = byName.get(name);
    if (spec === undefined) throw usageError(`unknown flag: --${name}`);
    if (spec.boolean) {
      add(name, parseBoolean(name, eq === -1 ? 'true' : body.slice(eq + 1)));
    } else if (eq !== -1) {
      add(name, body.slice(eq + 1));
    } else {
      const next = options.argv[i + 1];
      if (next === undefined) throw usageError(`flag needs a value: --${name}`);
      add(name, next);
      i++;
    }
  }
  return { occurrences, positionals, help };
}

/** The last value of each flag, for flags that do not repeat. */
export function lastValues(occurrences: ReadonlyMap<string, readonly string[]>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, list] of occurrences) {
    const last = list.at(-1);
    if (last !== undefined) values[name] = last;
  }
  return values;
}

/** A command's flags, looked up by name. */
export function toCommandFlags(occurrences: ReadonlyMap<string, readonly string[]>): CommandFlags {
  return {
    value: (name) => occurrences.get(name)?.at(-1),
    values: (name) => occurrences.get(name) ?? [],
    isSet: (name) => occurrences.get(name)?.at(-1) === 'true',
  };
}

function parseBoolean(name: string, raw: string): string {
  const value = raw.toLowerCase();
  if (['1', 't', 'true'].includes(value)) return 'true';
  if (['0', 'f', 'false'].includes(value)) return 'false';
  throw usageError(`invalid value "${raw}" for --${name}: expected true or false`);
}
