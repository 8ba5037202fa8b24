import { html, layout } from './html.ts';

/** The page where a user types the code a device shows (RFC 8628 §3.3). */
export function renderDeviceCodePage(options: {
  issuerName: string;
  postUrl: string;
  csrfToken: string;
  userCode?: string;
  error?: string;
}): string {
  return layout({
    title: 'Connect a device',
    issuerName: options.issuerName,
    body: html`<h1>Connect a device</h1>
<p class="muted">Enter the code your device shows.</p>
${options.error === undefined ? '' : html`<p class="error" role="alert" id="device-error">${options.error}</p>`}
<form method="post" action="${options.postUrl}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required autofocus value="${options.userCode ?? ''}">
<button type="submit">Continue</button>
</form>`,
  });
}

/**
 * After the login: the user approves or denies the device, which is named by its client
 * (RFC 8628 §5.4: the user must see what they are letting in).
 */
export function renderDeviceConfirmPage(options: {
  issuerName: string;
  postUrl: string;
  csrfToken: string;
  clientName: string;
  account: string;
  scopes: readonly string[];
}): string {
  return layout({
    title: 'Allow this device?',
    issuerName: options.issuerName,
    body: html`<h1>Allow ${options.clientName} on your device?</h1>
<p>You are logged in as <strong>${options.account}</strong>. Allow only if you started this on a device you are holding.</p>
<p class="muted">It asks for: ${options.scopes.join(', ')}</p>
<form method="post" action="${options.postUrl}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  });
}

/** The end of the device flow in the browser. */
export function renderDeviceDonePage(options: { issuerName: string; approved: boolean }): string {
  return layout({
    title: options.approved ? 'Device connected' : 'Device denied',
    issuerName: options.issuerName,
    body: options.approved
      ? html`<h1>Device connected</h1><p role="status">You can return to your device; it continues on its own.</p>`
      : html`<h1>Device denied</h1><p role="status">The device was not given access. You can close this page.</p>`,
  });
}
