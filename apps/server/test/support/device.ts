import { TestBrowser } from './browser.ts';

/** A hidden field's value in a page the worker rendered. */
export function formField(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
}

export interface DeviceApproval {
  /** The page the browser ended on: the confirmation's answer, or whatever stopped it. */
  status: number;
  html: string;
  browser: TestBrowser;
}

/**
 * What a person does with a device's code (RFC 8628 §3.3), in a browser: opens the
 * verification URI, enters the code, logs in with the local connector's form (unless the
 * browser is already logged in), and approves or denies on the confirmation page.
 * @example await approveDevice(issuer, { uri: response.verification_uri, userCode: response.user_code, login, password, decision: 'approve' });
 */
export async function approveDevice(
  issuer: string,
  options: {
    uri: string;
    userCode: string;
    login: string;
    password: string;
    decision: 'approve' | 'deny';
    browser?: TestBrowser;
  },
): Promise<DeviceApproval> {
  const browser = options.browser ?? new TestBrowser(issuer);
  const entry = await browser.follow(options.uri);
  const entryHtml = await entry.response.text();
  const afterCode = await browser.follow(`${issuer}/device`, {
    form: { csrf_token: formField(entryHtml, 'csrf_token'), user_code: options.userCode },
  });
  let html = await afterCode.response.text();
  let status = afterCode.response.status;
  if (html.includes('name="password"')) {
    const loggedIn = await browser.submitLogin({ url: afterCode.url, html }, options);
    html = await loggedIn.response.text();
    status = loggedIn.response.status;
  }
  if (!html.includes('name="decision"')) return { status, html, browser };
  const decided = await browser.follow(`${issuer}/device/callback`, {
    form: { csrf_token: formField(html, 'csrf_token'), decision: options.decision },
  });
  return { status: decided.response.status, html: await decided.response.text(), browser };
}
