export { AppError, isAppError, type AppErrorCode, type AppErrorJson, type AppErrorOptions } from './app-error.ts';
export { RETRY_AFTER_SECONDS, toAppError } from './to-app-error.ts';
export { errorReason, prismaErrorCode } from './error-reason.ts';
export { isDatabaseUnavailable, OAUTH_STATUS_BY_CODE, OAuthError, type OAuthErrorCode, type OAuthErrorOptions } from './oauth-error.ts';
