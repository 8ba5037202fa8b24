import { z } from 'zod';
import { ZPageCursor, ZPageLimit } from './paging.ts';

/** Paths of the user management endpoints (new; dex v0 only had `/api/v1/admin`). */
export const USER_API_PATHS = {
  users: '/api/v1/users',
  userById: '/api/v1/users/:id',
  disable: '/api/v1/users/:id/disable',
  enable: '/api/v1/users/:id/enable',
  revokeTokens: '/api/v1/users/:id/revoke-tokens',
  sendInvitation: '/api/v1/users/:id/send-invitation',
  sendPasswordReset: '/api/v1/users/:id/send-password-reset',
} as const;

/** A user as the admin API shows it: never any password material. */
export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  emailVerified: z.boolean(),
  admin: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
  /** Whether the user has a local password (can log in through the local connector). */
  hasPassword: z.boolean(),
  /** Ids of the connectors the user has an identity at, sorted. */
  connectors: z.array(z.string()),
});
export type TUser = z.infer<typeof ZUser>;

/**
 * `GET /api/v1/users` query: `q` is a case-insensitive substring of the email or the display
 * name; pages are ordered by email.
 */
export const ZListUsersQuery = z.strictObject({
  q: z.string({ error: 'q must be a single string' }).max(200, { error: 'q must be at most 200 characters' }).optional(),
  limit: ZPageLimit,
  cursor: ZPageCursor.optional(),
});
export type TListUsersQuery = z.input<typeof ZListUsersQuery>;

/** `GET /api/v1/users`: one page, the number of users matching `q`, and the next page's cursor (null on the last). */
export const ZUserList = z.object({
  items: z.array(ZUser),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
});
export type TUserList = z.infer<typeof ZUserList>;

const displayName = z.string({ error: 'displayName must be a string' }).max(200, { error: 'displayName must be at most 200 characters' });

/** `POST /api/v1/users`: the server hashes the password; without one the user can only log in upstream. */
export const ZCreateUserRequest = z.strictObject(
  {
    email: z.string({ error: 'email is required' }).min(1, { error: 'email is required' }),
    password: z.string({ error: 'password must be a string' }).optional(),
    displayName: displayName.optional(),
    emailVerified: z.boolean({ error: 'emailVerified must be a boolean' }).optional(),
    admin: z.boolean({ error: 'admin must be a boolean' }).optional(),
    /**
     * Email the new user an "Activate your account" link (as `POST …/send-invitation`); the
     * answer then carries `invitation` (`{emailSent, resetPasswordLink?}`).
     */
    sendInvitation: z.boolean({ error: 'sendInvitation must be a boolean' }).optional(),
  },
  { error: 'the request body must be a JSON object' },
);
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

/**
 * `PATCH /api/v1/users/:id`: the fields to change (at least one). A changed `email` is
 * unverified unless `emailVerified` comes with it. The password is not editable here.
 */
export const ZUpdateUserRequest = z
  .strictObject(
    {
      admin: z.boolean({ error: 'admin must be a boolean' }).optional(),
      displayName: displayName.optional(),
      email: z
        .string({ error: 'email must be a string' })
        .min(1, { error: 'email must not be empty' })
        .max(254, { error: 'email must be at most 254 characters' })
        .optional(),
      emailVerified: z.boolean({ error: 'emailVerified must be a boolean' }).optional(),
    },
    { error: 'the request body must be a JSON object' },
  )
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    error: 'nothing to update: send at least one of admin, displayName, email, emailVerified',
  });
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

/** `POST /api/v1/users/:id/revoke-tokens` ("log out everywhere"). */
export const ZRevokeUserTokensResult = z.object({
  revokedRefreshTokens: z.number().int(),
  endedSessions: z.number().int(),
});
export type TRevokeUserTokensResult = z.infer<typeof ZRevokeUserTokensResult>;

/**
 * `POST /api/v1/users/:id/send-invitation` and `.../send-password-reset`: whether the email
 * went out; without an emailer (`--email-cfg`) the link instead, for the admin to pass on
 * (dex v0's `emailSent:false, resetPasswordLink`).
 */
export const ZSentUserEmail = z.object({
  emailSent: z.boolean(),
  resetPasswordLink: z.string().optional(),
});
export type TSentUserEmail = z.infer<typeof ZSentUserEmail>;

/**
 * `POST /api/v1/users` answer: the user, and with `sendInvitation: true` what became of the
 * invitation (`emailSent`, or the link to pass on when the overlord has no emailer).
 */
export const ZCreatedUser = ZUser.extend({ invitation: ZSentUserEmail.optional() });
export type TCreatedUser = z.infer<typeof ZCreatedUser>;
