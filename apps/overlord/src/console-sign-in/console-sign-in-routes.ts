import { type NextFunction, type Request, type Response, Router } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import { findUserById } from '@dex/shared/domain/users';
import { isAppError } from '@dex/shared/errors';
import type { Logger } from '@dex/shared/logging';
import { openConsoleSession } from '../admin-api/open-console-session.ts';
import { readCookie } from '../admin-api/require-admin.ts';
import { sendSignInPage } from './sign-in-page.ts';
import { isFlowState, SIGN_IN_FLOW_COOKIE, SIGN_IN_FLOW_MAX_AGE_MS, signInFlow } from './sign-in-flow.ts';
import type { WorkerProvider } from './worker-provider.ts';

/** Where "Sign in with dex" starts, and where the worker sends the admin back. */
export const CONSOLE_SIGN_IN_PATHS = Object.freeze({ signIn: '/console/sign-in', callback: '/console/callback' });

export interface ConsoleSignInDeps {
  prisma: PrismaDb;
  logger: Logger;
  /** The deployment's worker; null when the overlord runs without `--console-issuer`. */
  worker: WorkerProvider | null;
  /** The key of the sign-in flows (derived from the admin secret: shared by the overlords). */
  flowKey: string;
  /** `<overlord public URL>/console/callback` (known once the overlord listens). */
  redirectUri: () => string;
}

/**
 * "Sign in with dex": the console's sign-in through the deployment's own worker, an OIDC code
 * flow with PKCE, state and nonce in which the overlord is the confidential client
 * `dex-console`. The browser never sees a token: the overlord redeems the code, verifies the
 * ID token with the worker's JWKS and, for a user with `admin: true`, opens the console
 * session (HttpOnly, SameSite=Strict cookie) with the admin's email as the audit actor.
 * - `GET /console/sign-in`: sets the flow cookie (HttpOnly, SameSite=Lax, 10 min, only sent to
 *   the callback) and redirects to the worker's `/auth`;
 * - `GET /console/callback?code&state`: checks the state against the flow cookie, redeems the
 *   code, admits admins and redirects to `/console/`; anything else is a readable page.
 */
export function consoleSignInRoutes(deps: ConsoleSignInDeps): Router {
  const router = Router();

  router.get(CONSOLE_SIGN_IN_PATHS.signIn, async (req, res) => {
    if (deps.worker === null) {
      sendSignInPage(res, {
        status: 404,
        title: 'Sign-in through dex is not set up',
        message:
          'This overlord runs without --console-issuer, so it cannot send you to a dex worker. Sign in with the admin API secret (break-glass), or restart the overlord with --console-issuer set to the worker’s issuer URL.',
      });
      return;
    }
    const flow = signInFlow(deps.flowKey);
    const url = await deps.worker.authorizationUrl({
      redirectUri: deps.redirectUri(),
      state: flow.state,
      nonce: flow.nonce,
      codeChallenge: flow.codeChallenge,
    });
    res.cookie(SIGN_IN_FLOW_COOKIE, flow.id, {
      httpOnly: true,
      // Lax: the callback is a top-level navigation from the worker, which may be another site.
      sameSite: 'lax',
      secure: req.protocol === 'https',
      path: CONSOLE_SIGN_IN_PATHS.callback,
      maxAge: SIGN_IN_FLOW_MAX_AGE_MS,
    });
    res.set('Cache-Control', 'no-store').redirect(303, url.href);
  });

  router.get(CONSOLE_SIGN_IN_PATHS.callback, async (req, res) => {
    const flowId = readCookie(req, SIGN_IN_FLOW_COOKIE) ?? '';
    res.clearCookie(SIGN_IN_FLOW_COOKIE, { httpOnly: true, sameSite: 'lax', path: CONSOLE_SIGN_IN_PATHS.callback });
    const query = (name: string): string => (typeof req.query[name] === 'string' ? req.query[name] : '');
    const worker = deps.worker;
    if (worker === null || flowId === '') {
      sendSignInPage(res, {
        status: 400,
        title: 'Sign-in expired',
        message: 'This sign-in was not started in this browser, or it took more than 10 minutes. Start again from the console.',
      });
      return;
    }
    const flow = signInFlow(deps.flowKey, flowId);
    if (!isFlowState(flow, query('state'))) {
      sendSignInPage(res, {
        status: 400,
        title: 'Sign-in refused',
        message: 'The answer from dex does not belong to this sign-in. Start again from the console.',
      });
      return;
    }
    if (query('error') !== '') {
      const detail = query('error_description') || query('error');
      sendSignInPage(res, { status: 400, title: 'Sign-in did not finish', message: `dex answered: ${detail}` });
      return;
    }
    const { userId } = await worker.redeem({
      code: query('code'),
      redirectUri: deps.redirectUri(),
      codeVerifier: flow.codeVerifier,
      nonce: flow.nonce,
    });
    const user = await findUserById(deps.prisma, userId);
    if (user === null || !user.admin || user.disabled) {
      deps.logger.info({ userId }, 'console sign-in refused: not an admin');
      sendSignInPage(res, {
        status: 403,
        title: 'Not an admin',
        message: `${user?.email ?? 'This account'} is not an admin of this dex, so it cannot use the console. Ask an admin to make it one, or sign in as another user.`,
      });
      return;
    }
    await openConsoleSession(req, res, { prisma: deps.prisma, actor: user.email, userId: user.id });
    res.set('Cache-Control', 'no-store').redirect(303, '/console/');
  });

  // The errors of these routes are pages too: the browser navigated here.
  router.use(
    [CONSOLE_SIGN_IN_PATHS.signIn, CONSOLE_SIGN_IN_PATHS.callback],
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      const shown = isAppError(error) && error.expose;
      deps.logger.warn({ err: error }, 'console sign-in failed');
      sendSignInPage(res, {
        status: shown ? error.status : 500,
        title: 'Sign-in did not finish',
        message: shown
          ? error.userMessage
          : 'The overlord could not finish the sign-in. Try again; if it keeps failing, the overlord’s log says why.',
      });
    },
  );
  return router;
}
