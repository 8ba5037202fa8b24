export { createUser, type CreateUserOptions } from './create-user.ts';
export { findUserByEmail, findUserById, findUserByRemoteIdentity, hasAdminUser } from './find-user.ts';
export { isValidEmail, LOCAL_CONNECTOR_ID, normalizeEmail, type UserRecord } from './types.ts';
export { verifyLocalPassword, type LocalLoginResult, type VerifyLocalPasswordOptions } from './verify-local-password.ts';
