/**
 * The kinds of login event the worker records: a login that succeeded, one that failed (with
 * its reason), the failed login that locked an account out at an address, and a logout.
 * The admin API's `type` filter and the console's Events screen offer exactly these.
 * @example LOGIN_EVENT_TYPES.includes('failure') // true
 */
export const LOGIN_EVENT_TYPES = ['success', 'failure', 'lockout', 'logout'] as const;
export type LoginEventType = (typeof LOGIN_EVENT_TYPES)[number];
