import { z } from 'zod';

/**
 * The admin API contract, shared by the overlord (which serves it), dexctl and the console.
 * Paths and bodies of dex v0 (reference §3.1) keep their v0 shape.
 */
export const ADMIN_API_PATHS = {
  health: '/health',
  state: '/api/v1/state',
  admin: '/api/v1/admin',
  adminById: '/api/v1/admin/:id',
} as const;

/** `POST /api/v1/admin`: the server hashes the password; it is never returned. */
export const ZCreateAdminRequest = z.object({
  email: z.string({ error: 'email is required' }).min(1, 'email is required'),
  password: z.string({ error: 'password is required' }).min(1, 'password is required'),
});
export type TCreateAdminRequest = z.infer<typeof ZCreateAdminRequest>;

/** An admin user as the API shows it (v0 `{id, email, password}` minus the password). */
export const ZAdmin = z.object({ id: z.string(), email: z.string() });
export type TAdmin = z.infer<typeof ZAdmin>;

/**
 * `GET /api/v1/state`: v0's `AdminUserCreated`, plus counts and where the data lives. The
 * additions are optional so a body from dex v0 (or an older overlord) still parses.
 */
export const ZState = z.object({
  AdminUserCreated: z.boolean(),
  clients: z.number().int().optional(),
  users: z.number().int().optional(),
  connectors: z.number().int().optional(),
  database: z.enum(['sqlite', 'postgresql']).optional(),
  version: z.string().optional(),
});
export type TState = z.infer<typeof ZState>;

/** Every admin API error body. */
export const ZApiError = z.object({ code: z.string(), message: z.string() });
export type TApiError = z.infer<typeof ZApiError>;

export const ZHealth = z.object({
  status: z.enum(['ok', 'error']),
  database: z.enum(['sqlite', 'postgresql']).optional(),
  message: z.string().optional(),
});
export type THealth = z.infer<typeof ZHealth>;

export * from './users.ts';
export * from './audit.ts';
export * from './keys.ts';
export * from './clients.ts';
export * from './connectors.ts';
export * from './processes.ts';
export * from './console-session.ts';
export * from './events.ts';
