export { envName, formatUsage, parseArgs, usageError, type FlagSpec, type ParseArgsOptions, type ParsedArgs } from './flags.ts';
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
