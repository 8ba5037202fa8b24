/** A dex user as the rest of the code sees it (no password material). */
export interface UserRecord {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string;
  admin: boolean;
  disabled: boolean;
  createdAt: Date;
}

/** The connector id of local password identities (dex v0 `--local-connector`). */
export const LOCAL_CONNECTOR_ID = 'local';

/** dex v0 `ValidEmail`: a bare address, no display name or angle brackets. */
export function isValidEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(email);
}

/** Emails are unique case-insensitively (dex v0.3.0 migration 0011). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toUserRecord(row: UserRecord): UserRecord {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.emailVerified,
    displayName: row.displayName,
    admin: row.admin,
    disabled: row.disabled,
    createdAt: row.createdAt,
  };
}
