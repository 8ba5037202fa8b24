import { testProviders } from '@dex/shared/testing';
import { type SmtpSink, startSmtpSink } from '@dex/shared/testing/smtp-sink';
import { walkLogin } from '@dex/shared/testing';
import { createClient } from '@dex/shared/domain/clients';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser, linkIn, type Page } from '../support/form-browser.ts';
import { authorizeUrl, pkcePair, tokenRequest, type TestClient } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

let counter = 0;
const uniqueEmail = (name: string) => `${name}-${Date.now()}-${++counter}@example.com`;

/** What differs between two answers only by the email typed and the authorization session. */
const normalized = (page: Page, email: string) =>
  page.body
    .replaceAll(email, '<EMAIL>')
    .replace(/session=[A-Za-z0-9_-]+/g, 'session=<S>')
    .replace(/login_hint=[^"&]+/g, 'login_hint=<E>');

describe.each(testProviders(process.env))('accounts and email (%s)', (provider) => {
  let stack: WorkerStack;
  let sink: SmtpSink;
  let client: TestClient;
  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await startWorkerStack(provider, {
      enableRegistration: true,
      emailer: { type: 'smtp', host: sink.host, port: sink.port, from: 'dex@example.com' },
    });
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
    await sink?.close();
  });

  /** Logs in through the password form and exchanges the code: the token response. */
  async function logIn(email: string, password: string, scope = 'openid email offline_access') {
    const { verifier, challenge } = pkcePair();
    const walk = await walkLogin(
      authorizeUrl(stack, client, { scope, code_challenge: challenge, code_challenge_method: 'S256' }).toString(),
      {
        login: email,
        password,
      },
    );
    if (walk.status !== 302 || walk.location === null) return { ok: false as const, walk };
    const code = new URL(walk.location).searchParams.get('code') ?? '';
    const response = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    expect(response.status).toBe(200);
    return { ok: true as const, tokens: (await response.json()) as { id_token: string; refresh_token: string } };
  }

  /** The registration form of a fresh authorization request, reached as the login page links it. */
  async function openRegistration(browser: FormBrowser): Promise<Page> {
    const login = await browser.follow(await browser.get(authorizeUrl(stack, client)));
    expect(login.status).toBe(200);
    const href = /id="register" href="([^"]+)"/.exec(login.body)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBeDefined();
    const form = await browser.get(new URL(href ?? '', stack.issuer));
    expect(form.status).toBe(200);
    return form;
  }

  it('registers a local user, who verifies the email and then gets email_verified: true', async () => {
    const browser = new FormBrowser();
    const email = uniqueEmail('reg');
    const done = await browser.submit(await openRegistration(browser), {
      email,
      password: 'a long passphrase',
      password_confirm: 'a long passphrase',
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Check your email');

    // Continue: log in with the new password; the request goes on to the client.
    const before = await logIn(email, 'a long passphrase');
    expect(before.ok).toBe(true);
    if (!before.ok) return;
    expect(decodeJwt(before.tokens.id_token).email_verified).toBe(false);

    const mail = await sink.waitFor((m) => m.to === email && m.subject === 'Please verify your email address.');
    const verified = await new FormBrowser().get(linkIn(mail.text, `${stack.issuer}/verify-email?token=`));
    expect(verified.status).toBe(200);
    expect(verified.body).toContain('is verified');
    const after = await logIn(email, 'a long passphrase');
    expect(after.ok && decodeJwt(after.tokens.id_token).email_verified).toBe(true);

    // The link is for verification only: as a reset link it is refused.
    const asReset = await new FormBrowser().get(
      linkIn(mail.text, `${stack.issuer}/verify-email?token=`).replace('/verify-email', '/reset-password'),
    );
    expect(asReset.status).toBe(400);
  });

  it('answers registration identically for a taken and a free email, and tells the owner', async () => {
    const owner = await stack.addUser({ email: uniqueEmail('owner') });
    const fresh = uniqueEmail('fresh');
    const browserA = new FormBrowser();
    const taken = await browserA.submit(await openRegistration(browserA), {
      email: owner.email,
      password: 'another passphrase',
      password_confirm: 'another passphrase',
    });
    const browserB = new FormBrowser();
    const free = await browserB.submit(await openRegistration(browserB), {
      email: fresh,
      password: 'another passphrase',
      password_confirm: 'another passphrase',
    });
    expect(taken.status).toBe(free.status);
    expect(normalized(taken, owner.email)).toBe(normalized(free, fresh));
    const notice = await sink.waitFor((m) => m.to === owner.email);
    expect(notice.subject).toBe('Someone tried to register with your email address');
    // The owner's password is unchanged.
    expect((await logIn(owner.email, owner.password)).ok).toBe(true);
    expect((await logIn(owner.email, 'another passphrase')).ok).toBe(false);
  });

  it('refuses weak passwords, mismatched confirmations and forms without the CSRF token', async () => {
    const browser = new FormBrowser();
    const form = await openRegistration(browser);
    const short = await browser.submit(form, { email: uniqueEmail('weak'), password: 'short', password_confirm: 'short' });
    expect(short.status).toBe(400);
    expect(short.body).toContain('at least 8 characters');
    const common = await browser.submit(form, { email: uniqueEmail('weak'), password: 'password123', password_confirm: 'password123' });
    expect(common.body).toContain('too common');
    const differ = await browser.submit(form, {
      email: uniqueEmail('weak'),
      password: 'a long passphrase',
      password_confirm: 'a long passphrase!',
    });
    expect(differ.body).toContain('The two passwords differ.');
    const forged = await browser.submit(form, {
      email: uniqueEmail('weak'),
      password: 'a long passphrase',
      password_confirm: 'a long passphrase',
      csrf_token: 'x'.repeat(43),
    });
    expect(forged.status).toBe(403);
  });

  it('resets a password by email: same answer for unknown emails, old password and refresh token dead, link single-use', async () => {
    const user = await stack.addUser({ email: uniqueEmail('reset') });
    const first = await logIn(user.email, user.password);
    expect(first.ok).toBe(true);
    if (!first.ok) return;

    const browser = new FormBrowser();
    const form = await browser.get(`${stack.issuer}/send-reset-password`);
    expect(form.status).toBe(200);
    const known = await browser.submit(form, { email: user.email });
    const unknownEmail = uniqueEmail('nobody');
    const unknown = await browser.submit(form, { email: unknownEmail });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(normalized(unknown, unknownEmail)).toBe(normalized(known, user.email));

    const mail = await sink.waitFor((m) => m.to === user.email && m.subject === 'Reset Your Password');
    const link = linkIn(mail.text, `${stack.issuer}/reset-password?token=`);
    const resetForm = await browser.get(link);
    expect(resetForm.status).toBe(200);
    const weak = await browser.submit(resetForm, { password: 'short', password_confirm: 'short' });
    expect(weak.status).toBe(400);
    const done = await browser.submit(resetForm, { password: 'a brand new passphrase', password_confirm: 'a brand new passphrase' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Your password has been reset');

    expect((await logIn(user.email, user.password)).ok).toBe(false);
    expect((await logIn(user.email, 'a brand new passphrase')).ok).toBe(true);
    const refresh = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: first.tokens.refresh_token });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');

    // The link died with the password it was made for.
    const again = await browser.submit(resetForm, { password: 'yet another passphrase', password_confirm: 'yet another passphrase' });
    expect(again.status).toBe(400);
    expect(again.body).toContain('Link Expired');
    expect((await browser.get(link)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.messages.some((m) => m.to === unknownEmail)).toBe(false);
  });

  it('limits reset requests per client address (429), whatever the address typed', async () => {
    const browser = new FormBrowser();
    const form = await browser.get(`${stack.issuer}/send-reset-password`);
    let last: Page = form;
    for (let i = 0; i < 21; i++) last = await browser.submit(form, { email: uniqueEmail('flood') });
    expect(last.status).toBe(429);
  });

  it('resend-verify-email: the client asks with its client-credentials token; identical answers whether or not the user still exists', async () => {
    const email = uniqueEmail('resend');
    const browser = new FormBrowser();
    await browser.submit(await openRegistration(browser), { email, password: 'a long passphrase', password_confirm: 'a long passphrase' });
    const login = await logIn(email, 'a long passphrase');
    expect(login.ok).toBe(true);
    if (!login.ok) return;
    const cc = await tokenRequest(stack, client, { grant_type: 'client_credentials' });
    const bearer = ((await cc.json()) as { access_token: string }).access_token;
    const resend = (token: string, body: unknown) =>
      fetch(`${stack.issuer}/resend-verify-email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const sent = await resend(bearer, { token: login.tokens.id_token, redirectURI: client.redirectUri });
    const sentBody = await sent.text();
    expect(sent.status).toBe(200);
    // The second verification email: the first came with the registration.
    await sink.waitFor(() => sink.messages.filter((m) => m.to === email && m.subject === 'Please verify your email address.').length === 2);

    const noBearer = await resend('nope', { token: login.tokens.id_token, redirectURI: client.redirectUri });
    expect(noBearer.status).toBe(401);
    expect(await noBearer.json()).toMatchObject({ error: 'access_denied' });
    const badRedirect = await resend(bearer, { token: login.tokens.id_token, redirectURI: 'https://elsewhere.example/cb' });
    expect(badRedirect.status).toBe(400);
    const other = await stack.addClient();
    const otherCc = await tokenRequest(stack, other, { grant_type: 'client_credentials' });
    const otherBearer = ((await otherCc.json()) as { access_token: string }).access_token;
    const foreign = await resend(otherBearer, { token: login.tokens.id_token, redirectURI: other.redirectUri });
    expect(foreign.status).toBe(403);

    const userId = String(decodeJwt(login.tokens.id_token).sub);
    await stack.db.prisma.user.delete({ where: { id: userId } });
    const gone = await resend(bearer, { token: login.tokens.id_token, redirectURI: client.redirectUri });
    expect(gone.status).toBe(sent.status);
    expect(await gone.text()).toBe(sentBody);
  });
});

describe.each(testProviders(process.env))('worker API v1 invitations (%s)', (provider) => {
  let stack: WorkerStack;
  let sink: SmtpSink;
  let admin: TestClient;
  let bearer: string;
  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await startWorkerStack(provider, { emailer: { type: 'smtp', host: sink.host, port: sink.port, from: 'dex@example.com' } });
    const { client, secret } = await createClient(stack.db.prisma, {
      redirectUris: ['http://127.0.0.1:5555/callback'],
      admin: true,
      trusted: true,
    });
    admin = { id: client.id, secret: secret ?? '', redirectUri: 'http://127.0.0.1:5555/callback' };
    const cc = await tokenRequest(stack, admin, { grant_type: 'client_credentials' });
    bearer = ((await cc.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await stack?.stop();
    await sink?.close();
  });

  const api = (path: string, body: unknown) =>
    fetch(`${stack.issuer}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify(body),
    });

  it('invites a user created without a password: the link sets the password, verifies the email, and the user logs in', async () => {
    const email = uniqueEmail('invited');
    const created = await api('users', { user: { email }, redirectURL: admin.redirectUri });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { user: { id: string }; emailSent: boolean; resetPasswordLink?: string };
    expect(body.emailSent).toBe(true);
    expect(body.resetPasswordLink).toBeUndefined();
    const mail = await sink.waitFor((m) => m.to === email);
    expect(mail.subject).toBe('Activate Your Account');

    const browser = new FormBrowser();
    const accept = await browser.get(linkIn(mail.text, `${stack.issuer}/accept-invitation?token=`));
    expect(accept.status).toBe(302);
    const form = await browser.follow(accept);
    expect(form.body).toContain('Activate your account');
    const done = await browser.submit(form, { password: 'invited passphrase', password_confirm: 'invited passphrase' });
    // Back to the redirect URL the invitation named.
    expect(done.status).toBe(302);
    expect(done.location).toBe(admin.redirectUri);
    const user = await stack.db.prisma.user.findUniqueOrThrow({ where: { id: body.user.id } });
    expect(user.emailVerified).toBe(true);
    const walk = await walkLogin(authorizeUrl(stack, admin).toString(), { login: email, password: 'invited passphrase' });
    expect(walk.status).toBe(302);
    expect(new URL(walk.location ?? '').searchParams.get('code')).toBeTruthy();

    // Used once; verified users get no more invitations.
    expect((await browser.submit(form, { password: 'other passphrase', password_confirm: 'other passphrase' })).status).toBe(400);
    const resend = await api(`users/${body.user.id}/resend-invitation`, {});
    expect(resend.status).toBe(400);
    expect(await resend.json()).toMatchObject({ error: 'verified_email' });
  });

  it('resends an invitation, and refuses a redirect URL the client did not register', async () => {
    const email = uniqueEmail('again');
    const created = await api('users', { user: { email } });
    const { user } = (await created.json()) as { user: { id: string } };
    await sink.waitFor((m) => m.to === email);
    const resend = await api(`users/${user.id}/resend-invitation`, {});
    expect(resend.status).toBe(200);
    expect(await resend.json()).toEqual({ emailSent: true });
    await sink.waitFor(() => sink.messages.filter((m) => m.to === email).length === 2);
    const elsewhere = await api('users', { user: { email: uniqueEmail('x') }, redirectURL: 'https://evil.example/cb' });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ error: 'invalid_redirect_url' });
  });
});
