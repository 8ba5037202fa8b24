import { type CommandResult, DEX_BINS, type RunCommandOptions, runBin, runCommand } from '@dex/shared/testing';

/** A stack frame of a Node.js stack trace: dexctl must never print one. */
export const STACK_FRAME = /^\s+at /m;

/**
 * Runs the real bin, as `npx dexctl` would, with a clean environment (no DEXCTL_* leaks in).
 * @example const { code, stdout } = await dexctl(['--db-url', url, 'list-clients']);
 */
export function dexctl(args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return runBin('dexctl', args, options);
}

/**
 * Runs a bash script with `$DEXCTL` set to the command that starts dexctl (`--norc`: bash
 * reads ~/.bashrc when its stdin is a socket, as Node's pipes are).
 */
export function bash(script: string, env: Record<string, string>): Promise<CommandResult> {
  return runCommand('bash', ['--norc', '-c', script], { env: { ...env, DEXCTL: `${process.execPath} ${DEX_BINS.dexctl}` } });
}

/** How a test reaches one driver: the flags and variables that choose it. */
export interface DriverUnderTest {
  readonly name: 'database' | 'admin API';
  /** Global flags choosing the driver (`--db-url URL`). */
  readonly args: readonly string[];
  /** Variables the driver needs (`DEXCTL_ADMIN_SECRET`: secrets stay off the command line). */
  readonly env: Readonly<Record<string, string>>;
}

/** Runs dexctl on a driver: its flags first, then `args`. */
export function dexctlOn(driver: DriverUnderTest, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return dexctl([...driver.args, ...args], { ...options, env: { ...driver.env, ...options.env } });
}

/** Parses `NAME=value` lines as the shell would set them (the values dexctl prints need no unquoting here). */
export function parseAssignments(stdout: string): Record<string, string> {
  const pairs = stdout
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => {
      const eq = line.indexOf('=');
      return [line.slice(0, eq), line.slice(eq + 1)] as const;
    });
  return Object.fromEntries(pairs);
}
