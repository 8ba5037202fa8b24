import { type Response, Router } from 'express';
import {
  type TRevokeUserTokensResult,
  type TSentUserEmail,
  type TUserList,
  USER_API_PATHS,
  ZCreateUserRequest,
  ZListUsersQuery,
  ZUpdateUserRequest,
} from '@dex/shared/admin-api';
import { toUserView } from '@dex/shared/admin-api/views';
import type { PrismaDb } from '@dex/shared/db';
import { type AuditAction, recordAuditEvent } from '@dex/shared/domain/audit';
import { loadKeySet } from '@dex/shared/domain/keys';
import { sendUserLink, type TLinkPurpose } from '@dex/shared/domain/links';
import type { Emailer } from '@dex/shared/email';
import { AppError } from '@dex/shared/errors';
import {
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  listUsers,
  requireUserDetails,
  revokeUserTokens,
  updateUser,
} from '@dex/shared/domain/users';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@dex/shared/admin-api/requests';
import { parseBody, parseQuery } from '@dex/shared/admin-api/requests';
import { actorOf } from './require-admin.ts';

export interface UserRoutesDeps {
  prisma: PrismaDb;
  /** Connector id of the local identity a user with a password gets (`--local-connector`). */
  localConnectorId: string;
  /** Invitation and password-reset emails: the workers' issuer (`--issuer`), the emailer, the key secrets to sign links with. */
  mail?: { issuer: string | undefined; emailer: Emailer; keySecrets: readonly Uint8Array[] };
}

/** Users are paged by email; the cursor carries the last email of the page. */
const ZUserCursor = z.strictObject({ email: z.string().min(1) });

function userPath(id: string): string {
  return USER_API_PATHS.userById.replace(':id', encodeURIComponent(id));
}

/** User management (new; dex v0 could only create admins): list, read, create, edit, delete, disable, log out. */
export function userRoutes(deps: UserRoutesDeps): Router {
  const router = Router();
  const { prisma } = deps;
  const audit = (res: Response, action: AuditAction, targetId: string, change: { before?: unknown; after?: unknown }) =>
    recordAuditEvent(prisma, { actor: actorOf(res), action, targetType: 'user', targetId, ...change });

  /**
   * Emails a user a link (dex v0 §2.14's invitation, or a password reset) signed with the
   * active key, pointing at the workers' issuer; without an emailer the link is returned.
   */
  async function sendLink(userId: string, purpose: TLinkPurpose): Promise<TSentUserEmail> {
    const mail = deps.mail;
    if (mail?.issuer === undefined) {
      throw new AppError('NOT_IMPLEMENTED', { message: "sending user emails needs the overlord's --issuer (the workers' issuer URL)" });
    }
    const user = await requireUserDetails(prisma, userId);
    if (user.disabled) throw new AppError('BAD_REQUEST', { message: 'the user is disabled' });
    if (purpose === 'invite' && user.emailVerified)
      throw new AppError('BAD_REQUEST', { message: 'the user has verified the email already' });
    const { active } = await loadKeySet(prisma, { secrets: mail.keySecrets });
    if (active === null) throw new AppError('INTERNAL', { message: 'no signing key is active yet', status: 503, expose: true });
    const sent = await sendUserLink(prisma, { emailer: mail.emailer, key: active, issuer: mail.issuer, purpose, userId: user.id });
    return { emailSent: sent.emailSent, ...(sent.link === undefined ? {} : { resetPasswordLink: sent.link }) };
  }

  router.post(USER_API_PATHS.sendInvitation, async (req, res) => {
    const body = await sendLink(req.params.id, 'invite');
    await audit(res, 'user.send_invitation', req.params.id, { after: { emailSent: body.emailSent } });
    res.json(body);
  });

  router.post(USER_API_PATHS.sendPasswordReset, async (req, res) => {
    const body = await sendLink(req.params.id, 'reset-password');
    await audit(res, 'user.send_password_reset', req.params.id, { after: { emailSent: body.emailSent } });
    res.json(body);
  });

  router.get(USER_API_PATHS.users, async (req, res) => {
    const query = parseQuery(ZListUsersQuery, req.query);
    const after = query.cursor === undefined ? undefined : decodeCursor(ZUserCursor, query.cursor);
    const page = await listUsers(prisma, { search: query.q, limit: query.limit, afterEmail: after?.email });
    const body: TUserList = {
      items: page.users.map(toUserView),
      total: page.total,
      nextCursor: page.nextAfterEmail === null ? null : encodeCursor({ email: page.nextAfterEmail }),
    };
    res.json(body);
  });

  router.post(USER_API_PATHS.users, async (req, res) => {
    const { sendInvitation, ...fields } = parseBody(ZCreateUserRequest, req.body);
    if (sendInvitation === true) {
      // Refused before anything is created, so a refusal leaves no user behind.
      if (deps.mail?.issuer === undefined) {
        throw new AppError('NOT_IMPLEMENTED', { message: "sending user emails needs the overlord's --issuer (the workers' issuer URL)" });
      }
      if (fields.emailVerified === true)
        throw new AppError('BAD_REQUEST', { message: 'an invitation is for a user whose email is not verified' });
    }
    const created = await createUser(prisma, { ...fields, localConnectorId: deps.localConnectorId });
    const user = toUserView(await requireUserDetails(prisma, created.id));
    await audit(res, 'user.create', user.id, { after: user });
    if (sendInvitation !== true) {
      res.status(201).location(userPath(user.id)).json(user);
      return;
    }
    const invitation = await sendLink(user.id, 'invite');
    await audit(res, 'user.send_invitation', user.id, { after: { emailSent: invitation.emailSent } });
    res
      .status(201)
      .location(userPath(user.id))
      .json({ ...user, invitation });
  });

  router.get(USER_API_PATHS.userById, async (req, res) => {
    res.json(toUserView(await requireUserDetails(prisma, req.params.id)));
  });

  router.patch(USER_API_PATHS.userById, async (req, res) => {
    const patch = parseBody(ZUpdateUserRequest, req.body);
    const { before, after } = await updateUser(prisma, { userId: req.params.id, ...patch });
    await audit(res, 'user.update', after.id, { before: toUserView(before), after: toUserView(after) });
    res.json(toUserView(after));
  });

  router.delete(USER_API_PATHS.userById, async (req, res) => {
    const { user } = await deleteUser(prisma, { userId: req.params.id });
    await audit(res, 'user.delete', user.id, { before: toUserView(user) });
    res.status(204).end();
  });

  router.post(USER_API_PATHS.disable, async (req, res) => {
    const { before, after } = await disableUser(prisma, { userId: req.params.id });
    await audit(res, 'user.disable', after.id, { before: toUserView(before), after: toUserView(after) });
    res.json(toUserView(after));
  });

  router.post(USER_API_PATHS.enable, async (req, res) => {
    const { before, after } = await enableUser(prisma, { userId: req.params.id });
    await audit(res, 'user.enable', after.id, { before: toUserView(before), after: toUserView(after) });
    res.json(toUserView(after));
  });

  router.post(USER_API_PATHS.revokeTokens, async (req, res) => {
    const revoked = await revokeUserTokens(prisma, { userId: req.params.id });
    const body: TRevokeUserTokensResult = revoked;
    await audit(res, 'user.revoke_tokens', req.params.id, { after: body });
    res.json(body);
  });

  return router;
}
