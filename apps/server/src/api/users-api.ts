import { USER_API_PATHS, type TUser } from '@dex/shared/admin-api';
import { parseBody } from '@dex/shared/admin-api/requests';
import { toUserView } from '@dex/shared/admin-api/views';
import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { createUser, disableUser, enableUser, listUsers, requireUserDetails } from '@dex/shared/domain/users';
import { z } from 'zod';
import { type ApiCaller, auditActor } from './api-caller.ts';
import { nextPage, readPage } from './paging.ts';
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

const ZDisableBody = z.strictObject(
  { disable: z.boolean({ error: 'disable must be a boolean' }) },
  { error: 'the request body must be a JSON object' },
);

/**
 * The users of the worker API v1 (v0 §2.14): list (by email, paged), read, create, disable
 * and enable. Every change is in the audit log under the caller's name.
 */
export function userEndpoints(deps: { prisma: PrismaDb; issuer: string; localConnectorId: string }): ApiEndpoint[] {
  const { prisma } = deps;
  const audit = (caller: ApiCaller, action: string, targetId: string, change: { before?: TUser; after?: TUser }) =>
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
        const created = await createUser(prisma, {
          ...body.user,
          ...(body.password === undefined ? {} : { password: body.password }),
          localConnectorId: deps.localConnectorId,
        });
        const user = toUserView(await requireUserDetails(prisma, created.id));
        await audit(caller, 'user.create', user.id, { after: user });
        // No emailer yet: nothing was sent (v0's `emailSent`).
        return { status: 201, body: { user, emailSent: false }, location: location(user.id) };
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
