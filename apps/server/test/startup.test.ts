import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, testSecrets } from '@dex/shared/testing';
import { describe, expect, it } from 'vitest';

/** Emailer configs for the start-up checks of --email-cfg. */
const emailDir = mkdtempSync(join(tmpdir(), 'dex-email-cfg-'));
const emailCfg = (name: string, text: string) => {
  const file = join(emailDir, name);
  writeFileSync(file, text);
  return file;
};
const badJson = emailCfg('bad.json', '{"type":"smtp",');
const unknownType = emailCfg('mailgun.json', '{"type":"mailgun","privateAPIKey":"k"}');
const noHost = emailCfg('nohost.json', '{"type":"smtp","port":587,"from":"dex@example.com","username":"u","password":"pw-never-shown"}');

const workerExit = (args: string[]) => runBin('worker', args);

describe('dex-worker start-up errors', () => {
  const { keySecretText } = testSecrets();
  const base = ['--db-url', 'file:/tmp/dex-worker-never-created/dex.db', '--key-secrets', keySecretText];

  it('prints usage for --help', async () => {
    const result = await workerExit(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: dex-worker');
    expect(result.stdout).toContain('DEX_WORKER_ISSUER');
    expect(result.stdout).toContain('DEX_WORKER_REFRESH_TOKEN_REUSE_INTERVAL');
  });

  it.each([
    [['--frobnicate'], 'dex-worker: unknown flag: --frobnicate'],
    [['--key-secrets', keySecretText], 'dex-worker: --db-url: is required'],
    [[...base, '--issuer', 'ftp://example.com/dex'], 'dex-worker: --issuer: "ftp://example.com/dex" must use http or https'],
    [[...base, '--issuer', 'https://example.com/dex?x=1'], 'dex-worker: --issuer: must not have a query or fragment'],
    [[...base, '--listen', 'http://127.0.0.1:5556/dex'], 'dex-worker: --listen: must not have a path (the issuer path prefixes routes)'],
    [[...base, '--listen', 'https://127.0.0.1:5556'], 'dex-worker: --listen: https needs --tls-cert-file and --tls-key-file'],
    [[...base, '--header-timeout', '40s'], 'dex-worker: --header-timeout: must not be longer than --request-timeout'],
    [[...base, '--metrics-listen', 'http://127.0.0.1:9090/metrics'], 'dex-worker: --metrics-listen: must be http://host:port (no path)'],
    [[...base, '--shutdown-timeout', 'soon'], 'dex-worker: --shutdown-timeout: "soon" is not a duration (examples: 24h, 30m, 1h30m)'],
    [[...base, '--id-token-ttl', '0s'], 'dex-worker: --id-token-ttl: "0s" is not a duration (examples: 24h, 30m, 1h30m)'],
    [
      [...base, '--refresh-token-reuse-interval', 'soon'],
      'dex-worker: --refresh-token-reuse-interval: "soon" is not a duration (examples: 0, 3s, 500ms, 1m)',
    ],
    [['--db-url', 'file:/tmp/x.db', '--key-secrets', 'not base64!'], 'dex-worker: --key-secrets: secret #1: not valid base64'],
    [
      [...base, '--trusted-proxies', '10.0.0.0/8,10.0.0.300'],
      'dex-worker: --trusted-proxies: "10.0.0.300" is not an IP address or CIDR range (like 10.0.0.0/8 or fd00::/8)',
    ],
    [[...base, '--email-cfg', badJson], `dex-worker: --email-cfg: ${badJson}: is not valid JSON`],
    [[...base, '--email-cfg', unknownType], `dex-worker: --email-cfg: ${unknownType}: type: type must be "fake" or "smtp"`],
    [[...base, '--email-cfg', noHost], `dex-worker: --email-cfg: ${noHost}: host: host is required`],
    [
      [...base, '--email-cfg', join(emailDir, 'missing.json')],
      `dex-worker: --email-cfg: cannot read ${join(emailDir, 'missing.json')}: ENOENT`,
    ],
    [
      [...base, '--enable-registration', '--enable-automatic-registration'],
      'dex-worker: --enable-registration: cannot be used with --enable-automatic-registration (dex v0)',
    ],
    [
      [...base, '--trusted-proxies', '::1/129'],
      'dex-worker: --trusted-proxies: "::1/129" is not an IP address or CIDR range (like 10.0.0.0/8 or fd00::/8)',
    ],
  ])('exits 2 naming the flag: %j', async (args, message) => {
    const result = await workerExit(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).toContain('Run "dex-worker --help" for usage.');
  });

  it('exits 1 with one line when the database is unreachable', async () => {
    const result = await workerExit(['--db-url', 'postgresql://dex:s3cret@127.0.0.1:1/dex', '--key-secrets', keySecretText]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "dex-worker: cannot reach the database at postgresql://dex:***@127.0.0.1:1/dex: Can't reach database server at 127.0.0.1:1\n",
    );
  });
});
