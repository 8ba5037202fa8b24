export {
  envName,
  formatUsage,
  type Invocation,
  parseArgs,
  type ParseArgsOptions,
  type ParsedArgs,
  readInvocation,
  type ReadInvocationOptions,
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
