export {
  envName,
  formatUsage,
  type Invocation,
  lastValues,
  parseArgs,
  type ParseArgsOptions,
  type ParsedArgs,
  readInvocation,
  type ReadInvocationOptions,
  scanArgs,
  type ScannedArgs,
  usageError,
  type FlagSpec,
} from './flags.ts';
export {
  decodeBase64Secret,
  parseConfig,
  parseDuration,
  zBase64Secret,
  zBase64SecretText,
  zBooleanFlag,
  zDbUrl,
  zDuration,
  zHttpUrl,
  zKeySecrets,
} from './values.ts';
export {
  DEFAULT_SERVER_TIMEOUTS,
  SERVER_TIMEOUT_FLAGS,
  type ServerTimeouts,
  serverTimeouts,
  ZServerTimeoutFlags,
} from './server-timeouts.ts';
