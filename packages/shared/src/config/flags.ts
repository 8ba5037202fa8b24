import { AppError } from '#errors/index.ts';

/** One command-line flag. Its environment variable is `<PREFIX>_<NAME>` (dashes become underscores). */
export interface FlagSpec {
  readonly name: string;
  readonly description: string;
  /** Boolean flags take no value (`--flag`, or `--flag=false`). */
  readonly boolean?: boolean;
  /** Shown in the usage text; the typed default lives in the app's config schema. */
  readonly defaultText?: string;
  /** Read from the environment as well (default true). */
  readonly env?: boolean;
}

export interface ParsedArgs {
  /** Raw flag values, flags beating the environment; absent when neither gave one. */
  readonly values: Readonly<Record<string, string>>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

export interface ParseArgsOptions {
  readonly specs: readonly FlagSpec[];
  readonly argv: readonly string[];
  /** Prefix of the environment variables (`DEX_WORKER`, `DEX_OVERLORD`, `DEXCTL`). */
  readonly envPrefix: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stop reading flags at the first positional argument (subcommands parse the rest). */
  readonly stopAtPositional?: boolean;
}

/** The environment variable that backs a flag, as in dex v0 (`--db-url` -> `DEX_WORKER_DB_URL`). */
export function envName(prefix: string, flag: string): string {
  return `${prefix}_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/** What `scanArgs` read from a command line. */
export interface ScannedArgs {
  /** Every value of every flag given, in order (booleans as `true`/`false`). */
  readonly occurrences: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/**
 * Reads a command line the way dex v0 did: `--name value`, `--name=value`, boolean `--name`
 * (or `--name=false`), `--` ends the flags, `-` is an argument, `-h`/`--help` asks for help.
 * Keeps every occurrence of a flag, in order; reads no environment.
 * @throws AppError `INVALID_CONFIG` for an unknown flag, a missing value or a bad boolean.
 * @example scanArgs({ specs: [{ name: 'peer', description: '' }], argv: ['--peer', 'a', '--peer=b'] }).occurrences.get('peer') // ['a', 'b']
 */
export function scanArgs(options: {
  readonly specs: readonly Pick<FlagSpec, 'name' | 'boolean'>[];
  readonly argv: readonly string[];
  /** Stop reading flags at the first positional argument (subcommands parse the rest). */
  readonly stopAtPositional?: boolean;
}): ScannedArgs {
  const byName = new Map(options.specs.map((spec) => [spec.name, spec]));
  const occurrences = new Map<string, string[]>();
  const positionals: string[] = [];
  let help = false;
  const add = (name: string, value: string) => occurrences.set(name, [...(occurrences.get(name) ?? []), value]);
  const { argv } = options;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (options.stopAtPositional) {
        positionals.push(...argv.slice(i));
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
      add(name, parseBooleanFlag(name, eq === -1 ? 'true' : body.slice(eq + 1)));
    } else if (eq !== -1) {
      add(name, body.slice(eq + 1));
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw usageError(`flag needs a value: --${name}`);
      add(name, next);
      i++;
    }
  }
  return { occurrences, positionals, help };
}

/**
 * The last value of each flag given (a repeated flag that does not accumulate: the last wins).
 * @example lastValues(new Map([['listen', ['a', 'b']]])) // { listen: 'b' }
 */
export function lastValues(occurrences: ReadonlyMap<string, readonly string[]>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, list] of occurrences) {
    const last = list.at(-1);
    if (last !== undefined) values[name] = last;
  }
  return values;
}

/**
 * Parses flags the way dex v0 did (see {@link scanArgs}; a repeated flag's last value wins);
 * a flag not given on the command line is read from `<PREFIX>_<NAME>` (an empty value is
 * ignored). An unknown flag is an INVALID_CONFIG error that names it.
 * @example
 * parseArgs({ specs: [{ name: 'listen', description: '' }], argv: ['--listen', 'http://127.0.0.1:5556'],
 *   envPrefix: 'DEX_WORKER', env: {} }).values.listen // 'http://127.0.0.1:5556'
 */
export function parseArgs(options: ParseArgsOptions): ParsedArgs {
  const scanned = scanArgs(options);
  const values = lastValues(scanned.occurrences);
  for (const spec of options.specs) {
    if (values[spec.name] !== undefined || spec.env === false) continue;
    const fromEnv = options.env[envName(options.envPrefix, spec.name)];
    if (fromEnv !== undefined && fromEnv !== '') {
      values[spec.name] = spec.boolean ? parseBooleanFlag(spec.name, fromEnv) : fromEnv;
    }
  }
  return { values, positionals: scanned.positionals, help: scanned.help };
}

function parseBooleanFlag(name: string, raw: string): string {
  const value = raw.toLowerCase();
  if (['1', 't', 'true'].includes(value)) return 'true';
  if (['0', 'f', 'false'].includes(value)) return 'false';
  throw usageError(`invalid value "${raw}" for --${name}: expected true or false`);
}

/** Usage text listing each flag, its environment variable and its default. */
export function formatUsage(options: {
  program: string;
  synopsis: string;
  description: string;
  envPrefix: string;
  specs: readonly FlagSpec[];
}): string {
  const lines = [`Usage: ${options.program} ${options.synopsis}`, '', options.description, '', 'Flags:'];
  for (const spec of options.specs) {
    const head = `  --${spec.name}${spec.boolean ? '' : ' VALUE'}`;
    lines.push(head);
    lines.push(`      ${spec.description}`);
    const extra: string[] = [];
    if (spec.defaultText !== undefined) extra.push(`default ${spec.defaultText}`);
    if (spec.env !== false) extra.push(`env ${envName(options.envPrefix, spec.name)}`);
    if (extra.length > 0) lines.push(`      (${extra.join('; ')})`);
  }
  lines.push('  -h, --help', '      Show this help.');
  return `${lines.join('\n')}\n`;
}

/** A usage error: bad flags or arguments. Programs exit with status 2 on it. */
export function usageError(message: string): AppError {
  return new AppError('INVALID_CONFIG', { message });
}

/** What a server program was asked to do: print text (help, version) or run with its flags. */
export type Invocation<T> = { kind: 'run'; config: T } | { kind: 'help' | 'version'; text: string };

export interface ReadInvocationOptions {
  program: string;
  description: string;
  envPrefix: string;
  specs: readonly FlagSpec[];
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The version line(s) `--version` prints. */
  versionText: string;
}

/**
 * The common front of `dex-worker` and `dex-overlord`: `--help` prints usage, `--version`
 * the version, positional arguments are refused, and otherwise the raw flag values are
 * returned for the program's schema.
 * @example const invocation = readInvocation({ program: 'dex-worker', ... });
 */
export function readInvocation(options: ReadInvocationOptions): Invocation<Readonly<Record<string, string>>> {
  const args = parseArgs({ specs: options.specs, argv: options.argv, envPrefix: options.envPrefix, env: options.env });
  if (args.help) {
    const text = formatUsage({
      program: options.program,
      synopsis: '[flags]',
      description: options.description,
      envPrefix: options.envPrefix,
      specs: options.specs,
    });
    return { kind: 'help', text };
  }
  if (args.values.version === 'true') return { kind: 'version', text: options.versionText };
  if (args.positionals.length > 0) throw usageError(`unexpected argument: ${args.positionals[0]}`);
  return { kind: 'run', config: args.values };
}
