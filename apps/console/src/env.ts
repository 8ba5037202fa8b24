/** The environment a console process was started with. */
export type ProcessEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * The one place in the console that reads `process.env` (lint rule `noProcessEnv`). Callers
 * take the environment as a dependency and use this only as the default.
 * @example runDexctl(argv, { env: readProcessEnvironment() })
 */
export function readProcessEnvironment(): ProcessEnvironment {
  return process.env;
}
