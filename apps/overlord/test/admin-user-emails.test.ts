import { randomBytes } from 'node:crypto';
import type { TUser } from '@dex/shared/admin-api';
import { checkLinkClaims, LINK_JWT_TYPE } from '@dex/shared/domain/links';
import { testProviders } from '@dex/shared/testing';
import { type SmtpSink, startSmtpSink } from '@dex/shared/testing/smtp-sink';
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const ISSUER = 'http://127.0.0.1:5556/dex';
const tag = () => `t${randomBytes(4).toString('hex')}`;

describe.each(testProviders(process.env))('admin API: invitation and password-reset emails (%s)', (provider) => {
  let sink: SmtpSink;
  let harness: AdminHarness;
  let bare: AdminHarness;
  beforeAll(async () => {
    sink = await startSmtpSink();
    harness = await startAdminHarness(provider, {
      issuer: ISSUER,
      emailer: { type: 'smtp', host: sink.host, port: sink.port, from: 'admin@example.com' },
    });
    bare = await startAdminHarness(provider, { issuer: ISSUER });
  });
  afterAll(async () => {
    await harness?.stop();
    await bare?.stop();
    await sink?.close();
  });

  const createUser = async (h: AdminHarness, body: Record<string, unknown>) => {
    const { status, body: user } = await h.json('/api/v1/users', { method: 'POST', body: JSON.stringify(body) });
    expect(status).toBe(201);
    return user as TUser;
  };

  /** The claims of a link's token, verified against the published keys of `h`'s database. */
  const linkClaims = async (h: AdminHarness, link: string, purpose: 'invite' | 'reset-password') => {
    const token = new URL(link).searchParams.get('token') ?? '';
    const keys = (await h.overlord.db.prisma.signingKey.findMany()).map((row) => JSON.parse(row.publicJwk) as JWK);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys }), { issuer: ISSUER });
    expect(protectedHeader.typ).toBe(LINK_JWT_TYPE);
    const checked = checkLinkClaims(payload, { purposes: [purpose] });
    expect(checked.ok).toBe(true);
    return payload;
  };

  it('creates a user and sends the invitation in one request with sendInvitation', async () => {
    const email = `${tag()}@example.com`;
    const { status, body } = await harness.json('/api/v1/users', { method: 'POST', body: JSON.stringify({ email, sendInvitation: true }) });
    expect(status).toBe(201);
    expect(body).toMatchObject({ email, emailVerified: false, invitation: { emailSent: true } });
    const mail = await sink.waitFor((m) => m.to === email);
    expect(mail.subject).toBe('Activate Your Account');
    expect(mail.text).toContain(`${ISSUER}/accept-invitation?token=`);

    // Without an emailer the link comes back; a refusal creates nobody.
    const linked = await bare.json('/api/v1/users', {
      method: 'POST',
      body: JSON.stringify({ email: `${tag()}@example.com`, sendInvitation: true }),
    });
    expect(linked.status).toBe(201);
    expect((linked.body as { invitation: { emailSent: boolean; resetPasswordLink: string } }).invitation).toEqual({
      emailSent: false,
      resetPasswordLink: expect.stringMatching(/\/accept-invitation\?token=/),
    });
    const verified = `${tag()}@example.com`;
    const refused = await harness.json('/api/v1/users', {
      method: 'POST',
      body: JSON.stringify({ email: verified, emailVerified: true, sendInvitation: true }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ code: expect.any(String), message: 'an invitation is for a user whose email is not verified' });
    expect(await harness.overlord.db.prisma.user.count({ where: { email: verified } })).toBe(0);
  });

  it('sends an invitation email whose link leads to /accept-invitation at the issuer', async () => {
    const user = await createUser(harness, { email: `${tag()}@example.com` });
    const { status, body } = await harness.json(`/api/v1/users/${user.id}/send-invitation`, { method: 'POST' });
    expect(status).toBe(200);
    expect(body).toEqual({ emailSent: true });
    const mail = await sink.waitFor((m) => m.to === user.email);
    expect(mail.subject).toBe('Activate Your Account');
    const link = mail.text.split(/\s+/).find((word) => word.startsWith(`${ISSUER}/accept-invitation?token=`)) ?? '';
    const claims = await linkClaims(harness, link, 'invite');
    expect(claims.sub).toBe(user.id);
    expect(claims.email).toBe(user.email);
  });

  it('sends a password-reset email; the audit log records both actions without the link', async () => {
    const user = await createUser(harness, { email: `${tag()}@example.com`, password: 'correct horse' });
    const { status, body } = await harness.json(`/api/v1/users/${user.id}/send-password-reset`, { method: 'POST' });
    expect(status).toBe(200);
    expect(body).toEqual({ emailSent: true });
    const mail = await sink.waitFor((m) => m.to === user.email);
    expect(mail.subject).toBe('Reset Your Password');
    const events = await harness.overlord.db.prisma.auditEvent.findMany({ where: { targetId: user.id } });
    expect(events.map((e) => e.action)).toContain('user.send_password_reset');
    expect(JSON.stringify(events)).not.toContain('token=');
  });

  it('without an emailer returns the link instead (v0 emailSent:false, resetPasswordLink)', async () => {
    const user = await createUser(bare, { email: `${tag()}@example.com` });
    const { status, body } = await bare.json(`/api/v1/users/${user.id}/send-invitation`, { method: 'POST' });
    expect(status).toBe(200);
    const answer = body as { emailSent: boolean; resetPasswordLink: string };
    expect(answer.emailSent).toBe(false);
    expect(answer.resetPasswordLink.startsWith(`${ISSUER}/accept-invitation?token=`)).toBe(true);
    await linkClaims(bare, answer.resetPasswordLink, 'invite');
  });

  it('answers {code, message} for unknown, verified and disabled users', async () => {
    const missing = await harness.json('/api/v1/users/no-such-user/send-invitation', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
    const verified = await createUser(harness, { email: `${tag()}@example.com`, emailVerified: true });
    const refused = await harness.json(`/api/v1/users/${verified.id}/send-invitation`, { method: 'POST' });
    expect(refused).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message: 'the user has verified the email already' } });
    const disabled = await createUser(harness, { email: `${tag()}@example.com` });
    await harness.json(`/api/v1/users/${disabled.id}/disable`, { method: 'POST' });
    const refusedDisabled = await harness.json(`/api/v1/users/${disabled.id}/send-password-reset`, { method: 'POST' });
    expect(refusedDisabled).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message: 'the user is disabled' } });
  });
});
