import { execFile } from 'node:child_process';
import { DEX_BINS, REPO_ROOT } from './dex-process.ts';
import { passwordHashingEnv } from './test-password-hashing.ts';

export interface CommandResult {
  /** The exit status (a number even when the command failed). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions {
  /**
   * Variables besides PATH and the password hashing choice (the child sees nothing else of the
   * test's environment).
   */
  env?: Readonly<Record<string, string>>;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs a command to its end from the repository root with a clean environment and returns
 * its status and output (a non-zero status is a result, not an error).
 * @example const { code, stderr } = await runCommand('bash', ['-c', 'exit 3']);
 */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', ...passwordHashingEnv(), ...options.env },
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 45_000,
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
        else reject(error);
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * Runs one of the repository's bins (`dex-worker`, `dex-overlord`, `dexctl`) to its end.
 * @example const { code, stdout } = await runBin('overlord', ['--help']);
 */
export function runBin(bin: keyof typeof DEX_BINS, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return runCommand(process.execPath, [DEX_BINS[bin], ...args], options);
}
