import type { ServerResponse } from 'node:http';
import { randomToken, safeEqual } from '@dex/shared/crypto';
import type { PrismaDb } from '@dex/shared/db';
import {
  advanceDeviceAuthorization,
  bindDeviceAuthorization,
  type DeviceAuthorizationRecord,
  findAuthCode,
  countLoginFailures,
  findBoundDeviceAuthorization,
  recordLoginFailure,
  spendAuthCode,
} from '@dex/shared/domain/auth';
import { findClient } from '@dex/shared/domain/clients';
import { findUserById } from '@dex/shared/domain/users';
import { type CsrfOptions, hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { clearCookie, redirect, sendHtml, setCookie } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { renderDeviceCodePage, renderDeviceConfirmPage, renderDeviceDonePage } from '#pages/device-page.ts';
import type { RenderError } from '#pages/error-page.ts';

/** The cookie that ties a device approval to the browser that entered its code. */
const BINDING_COOKIE = 'dex_device';
const BINDING = /^[A-Za-z0-9_-]{43}$/;

export interface DevicePagesDeps {
  prisma: PrismaDb;
  issuer: string;
  issuerPath: string;
  issuerName: string;
  cookie: CsrfOptions;
  renderError: RenderError;
  /** How long wrong codes count against a client address (`--login-lockout`). */
  failureWindowMs: number;
}

/** Wrong user codes a client address may enter per window (RFC 8628 §5.1: user codes are short, guessing must be slow). */
const MAX_WRONG_CODES = 10;

/** Where the login of a device approval returns: a redirect URI every client may use at `/auth` for this purpose only. */
export function deviceCallbackUri(issuer: string): string {
  return `${issuer}/device/callback`;
}

/**
 * `GET|POST <issuer>/device`: the user enters the code the device shows (prefilled from
 * `verification_uri_complete`); a known code binds the request to this browser and sends it
 * through the usual login (`/auth`, with single sign-on, the chooser and the connectors), whose
 * code returns to `/device/callback`. Wrong codes are limited per client address.
 * @example routes.set('/device', deviceCodeEntryRoute(deps));
 */
export function deviceCodeEntryRoute(deps: DevicePagesDeps): Route {
  const show = (req: WorkerRequest, res: ServerResponse, status: number, options: { userCode?: string; error?: string }) => {
    const csrfToken = issueCsrfToken(req, res, deps.cookie);
    sendHtml(
      res,
      status,
      renderDeviceCodePage({ issuerName: deps.issuerName, postUrl: `${deps.issuerPath}/device`, csrfToken, ...options }),
      { noStore: true },
    );
  };
  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req, res) {
      const userCode = param(req.params, 'user_code');
      if (req.method !== 'POST') return show(req, res, 200, userCode === undefined ? {} : { userCode });
      if (!hasValidCsrfToken(req)) return show(req, res, 400, { error: 'The form expired. Enter the code again.' });
      // Counted in the database like failed logins, so every worker enforces the same limit.
      const key = `device-code:${req.clientAddress}`;
      const [wrongCodes = 0] = await countLoginFailures(deps.prisma, [key]);
      if (wrongCodes >= MAX_WRONG_CODES) return show(req, res, 429, { error: 'Too many wrong codes. Wait a few minutes and try again.' });
      const bound = userCode === undefined ? null : await bindDeviceAuthorization(deps.prisma, { userCode });
      if (bound === null) {
        await recordLoginFailure(deps.prisma, key, { windowMs: deps.failureWindowMs });
        return show(req, res, 400, { ...(userCode === undefined ? {} : { userCode }), error: 'That code is not valid or has expired.' });
      }
      const { binding, record } = bound;
      setCookie(res, BINDING_COOKIE, binding, { ...deps.cookie, maxAgeMs: record.expiresAt.getTime() - Date.now() });
      const auth = new URLSearchParams({
        client_id: record.clientId,
        redirect_uri: deviceCallbackUri(deps.issuer),
        response_type: 'code',
        scope: record.scopes.join(' '),
        state: binding,
        // The code never leaves the worker; the challenge only satisfies the PKCE rule for public clients.
        code_challenge: randomToken(32),
        code_challenge_method: 'S256',
      });
      redirect(res, `${deps.issuerPath}/auth?${auth.toString()}`);
    },
  };
}

/** The request this browser is approving, when its cookie and the login's `state` agree. */
async function boundRequest(deps: DevicePagesDeps, req: WorkerRequest, state: string | undefined) {
  const binding = req.cookie(BINDING_COOKIE);
  if (binding === undefined || !BINDING.test(binding) || (state !== undefined && !safeEqual(binding, state))) return null;
  return findBoundDeviceAuthorization(deps.prisma, binding);
}

/** Spends the login's code for this request: it must be the request's own client's, issued for the device callback. */
async function spendLogin(deps: DevicePagesDeps, record: DeviceAuthorizationRecord, code: string): Promise<string | null> {
  const found = await findAuthCode(deps.prisma, code);
  if (found === null || found.usedAt !== null || found.session.clientId !== record.clientId) return null;
  if (found.session.redirectUri !== deviceCallbackUri(deps.issuer) || found.session.userId === null) return null;
  if (!(await spendAuthCode(deps.prisma, found))) return null;
  const identified = await advanceDeviceAuthorization(deps.prisma, {
    deviceCodeHash: record.deviceCodeHash,
    from: 'pending',
    to: 'identified',
    authSessionId: found.session.id,
  });
  return identified ? found.session.userId : null;
}

const GONE = 'This device request is no longer valid, or was started in another browser. Enter the code again at /device.';

/**
 * `GET|POST <issuer>/device/callback`: the login returns here (GET, with `code` and `state`),
 * and the user sees which client the device is and approves or denies it (POST, CSRF-protected,
 * from the same browser).
 * @example routes.set('/device/callback', deviceCallbackRoute(deps));
 */
export function deviceCallbackRoute(deps: DevicePagesDeps): Route {
  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req, res) {
      if (req.method === 'POST') {
        const record = hasValidCsrfToken(req) ? await boundRequest(deps, req, undefined) : null;
        const decision = param(req.form, 'decision');
        if (record === null || record.status !== 'identified' || (decision !== 'approve' && decision !== 'deny')) {
          return deps.renderError(res, 400, 'Request expired', GONE);
        }
        const approved = decision === 'approve';
        const to = approved ? 'approved' : 'denied';
        if (!(await advanceDeviceAuthorization(deps.prisma, { deviceCodeHash: record.deviceCodeHash, from: 'identified', to }))) {
          return deps.renderError(res, 400, 'Request expired', GONE);
        }
        clearCookie(res, BINDING_COOKIE, deps.cookie);
        return sendHtml(res, 200, renderDeviceDonePage({ issuerName: deps.issuerName, approved }), { noStore: true });
      }
      const record = await boundRequest(deps, req, param(req.query, 'state') ?? '');
      if (record === null || record.status !== 'pending') return deps.renderError(res, 400, 'Request expired', GONE);
      const failure = param(req.query, 'error');
      if (failure !== undefined) {
        const description = param(req.query, 'error_description') ?? failure;
        return deps.renderError(res, 403, 'Login failed', `The login did not complete: ${description}.`);
      }
      const userId = await spendLogin(deps, record, param(req.query, 'code') ?? '');
      const user = userId === null ? null : await findUserById(deps.prisma, userId);
      if (user === null) return deps.renderError(res, 400, 'Request expired', GONE);
      const client = await findClient(deps.prisma, record.clientId);
      const page = renderDeviceConfirmPage({
        issuerName: deps.issuerName,
        postUrl: `${deps.issuerPath}/device/callback`,
        csrfToken: issueCsrfToken(req, res, deps.cookie),
        clientName: client?.name || record.clientId,
        account: user.email,
        scopes: record.scopes,
      });
      sendHtml(res, 200, page, { noStore: true });
    },
  };
}
