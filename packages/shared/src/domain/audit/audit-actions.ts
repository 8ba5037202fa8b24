/**
 * Every action the audit log records, by target: what `recordAuditEvent` accepts and what the
 * console's action filter offers. A new audited change adds its action here first.
 * @example AUDIT_ACTIONS.includes('client.rotate_secret') // true
 */
export const AUDIT_ACTIONS = [
  'admin.create',
  'client.create',
  'client.update',
  'client.delete',
  'client.rotate_secret',
  'connector.create',
  'connector.update',
  'connector.delete',
  'connector.replace_all',
  'console.sign-in',
  'keys.rotate',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.revoke_tokens',
  'user.revoke_client_tokens',
  'user.delete',
  'user.send_invitation',
  'user.send_password_reset',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
