import { USER_API_PATHS, type TUser } from '@dex/shared/admin-api';
import { parseBody } from '@dex/shared/admin-api/requests';
import { toUserView } from '@dex/shared/admin-api/views';
import type { PrismaDb } from '@dex/shared/db';
import { type AuditAction, recordAuditEvent } from '@dex/shared/domain/audit';
import { findClient } from '@dex/shared/domain/clients';
import { sendUserLink, type SentUserLink } from '@dex/shared/domain/links';
import type { Emailer } from '@dex/shared/email';
import type { AccountLinks } from '#accounts/account-links.ts';
import { createUser, disableUser, enableUser, listUsers, requireUserDetails } from '@dex/shared/domain/users';
import { z } from 'zod';
import { type ApiCaller, auditActor } from './api-caller.ts';
import { nextPage, readPage } from './paging.ts';
import { ApiError } from './api-error.ts';
import type { ApiEndpoint } from './worker-api.ts';

const ZUserPosition = z.strictObject({ email: z.string().min(1) });

/**
 * `POST users` (v0 §2.14: `{"user": User, "redirectURL"}`): v0's User fields that make sense
 * on creation, plus a `password` so scripts can create users who log in locally at once
 * (v0 could only invite them; without a password the user logs in through an upstream).
 */
const ZCreateUserBody = z.strictObject(
  {
    user: z.object(
      {
        email: z.string({ error: 'user.email is required' }).min(1, { error: 'user.email is required' }),
        displayName: z.string({ error: 'user.displayName must be a string' }).max(200).optional(),
        emailVerified: z.boolean({ error: 'user.emailVerified must be a boolean' }).optional(),
        admin: z.boolean({ error: 'user.admin must be a boolean' }).optional(),
        disabled: z.boolean({ error: 'user.disabled must be a boolean' }).optional(),
      },
      { error: 'user is required' },
    ),
    password: z.string({ error: 'password must be a string' }).optional(),
    redirectURL: z.string({ error: 'redirectURL must be a string' }).optional(),
  },
  { error: 'the request body must be a JSON object' },
);

const ZResendInvitationBody = z.strictObject(
  { redirectURL: z.string({ error: 'redirectURL must be a string' }).optional() },
  { error: 'the request body must be a JSON object' },
);

const ZDisableBody = z.strictObject(
  { disable: z.boolean({ error: 'disable must be a boolean' }) },
  { error: 'the request body must be a JSON object' },
);

/**
 * The users of the worker API v1 (v0 §2.14): list (by email, paged), read, create, disable
 * and enable. Every change is in the audit log under the caller's name.
 */
export function userEndpoints(deps: {
  prisma: PrismaDb;
  issuer: string;
  localConnectorId: string;
  links: AccountLinks;
  emailer: Emailer;
}): ApiEndpoint[] {
  const { prisma } = deps;
  /**
   * Emails the user an invitation (v0 §2.14): the link belongs to the caller's client and
   * leads back to `redirectURL`, which must be registered for that client.
   */
  const invite = async (caller: ApiCaller, userId: string, redirectURL: string | undefined): Promise<SentUserLink> => {
    if (redirectURL !== undefined) {
      const client = await findClient(prisma, caller.clientId);
      if (client === null || !client.redirectUris.includes(redirectURL)) {
        throw new ApiError('invalid_redirect_url', 400, `redirectURL is not registered for client ${caller.clientId}`);
      }
    }
    return sendUserLink(prisma, {
      emailer: deps.emailer,
      key: await deps.links.activeKey(),
      issuer: deps.issuer,
      purpose: 'invite',
      userId,
      audience: caller.clientId,
      ...(redirectURL === undefined ? {} : { callback: redirectURL }),
    });
  };
  /** v0's answer: `emailSent`, and the link only when no emailer is configured. */
  const invitationAnswer = (sent: SentUserLink) => ({
    emailSent: sent.emailSent,
    ...(sent.link === undefined ? {} : { resetPasswordLink: sent.link }),
  });
  const audit = (caller: ApiCaller, action: AuditAction, targetId: string, change: { before?: TUser; after?: TUser }) =>
    recordAuditEvent(prisma, { actor: auditActor(caller), action, targetType: 'user', targetId, ...change });
  const location = (id: string) => `${deps.issuer}${USER_API_PATHS.userById.replace(':id', encodeURIComponent(id))}`;
  return [
    {
      method: 'GET',
      path: 'users',
      async handle({ req }) {
        const page = readPage(req, ZUserPosition);
        const found = await listUsers(prisma, { limit: page.limit, afterEmail: page.after?.email });
        const position = found.nextAfterEmail === null ? null : { email: found.nextAfterEmail };
        return { status: 200, body: { users: found.users.map(toUserView), ...nextPage(position) } };
      },
    },
    {
      method: 'GET',
      path: 'users/:id',
      async handle({ params }) {
        return { status: 200, body: { user: toUserView(await requireUserDetails(prisma, params.id ?? '')) } };
      },
    },
    {
      method: 'POST',
      path: 'users',
      async handle({ req, caller }) {
        const body = parseBody(ZCreateUserBody, req.json);
        if (body.password === undefined && body.redirectURL !== undefined) {
          const client = await findClient(prisma, caller.clientId);
          if (client === null || !client.redirectUris.includes(body.redirectURL)) {
            throw new ApiError('invalid_redirect_url', 400, `redirectURL is not registered for client ${caller.clientId}`);
          }
        }
        const created = await createUser(prisma, {
          ...body.user,
          ...(body.password === undefined ? {} : { password: body.password }),
          localConnectorId: deps.localConnectorId,
        });
        const user = toUserView(await requireUserDetails(prisma, created.id));
        await audit(caller, 'user.create', user.id, { after: user });
        // Without a password the user is invited to choose one (v0: always invited).
        const sent = body.password === undefined ? await invite(caller, user.id, body.redirectURL) : { emailSent: false };
        return { status: 201, body: { user, ...invitationAnswer(sent) }, location: location(user.id) };
      },
    },
    {
      method: 'POST',
      path: 'users/:id/resend-invitation',
      async handle({ req, params, caller }) {
        const { redirectURL } = parseBody(ZResendInvitationBody, req.json ?? {});
        const user = await requireUserDetails(prisma, params.id ?? '');
        if (user.emailVerified) throw new ApiError('verified_email', 400, 'the user has verified the email already');
        const sent = await invite(caller, user.id, redirectURL);
        await recordAuditEvent(prisma, {
          actor: auditActor(caller),
          action: 'user.send_invitation',
          targetType: 'user',
          targetId: user.id,
        });
        return { status: 200, body: invitationAnswer(sent) };
      },
    },
    {
      method: 'POST',
      path: 'users/:id/disable',
      async handle({ req, params, caller }) {
        const { disable } = parseBody(ZDisableBody, req.json);
        const userId = params.id ?? '';
        const { before, after } = disable ? await disableUser(prisma, { userId }) : await enableUser(prisma, { userId });
        await audit(caller, disable ? 'user.disable' : 'user.enable', after.id, { before: toUserView(before), after: toUserView(after) });
        return { status: 200, body: { ok: true } };
      },
    },
  ];
}
