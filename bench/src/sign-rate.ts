import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

export interface SignRate {
  alg: 'RS256' | 'ES256';
  /** Signatures per second on one core: `crypto.sign` back to back on the main thread. */
  perSecond: number;
  signatures: number;
  elapsedMs: number;
  /**
   * CPU time one signature took (this process, user + system). On a quiet machine it is
   * 1000 / perSecond; when other work shares the cores perSecond falls but this moves less,
   * so it is the steadier yardstick for a server's CPU time per request.
   */
  cpuMsPerSignature: number;
}

/** A JWT signing input of typical size (a base64url header and payload of an ID token). */
const SIGNING_INPUT = Buffer.from(`${randomBytes(36).toString('base64url')}.${randomBytes(300).toString('base64url')}`);

const keys = new Map<SignRate['alg'], KeyObject>();

function keyFor(alg: SignRate['alg']): KeyObject {
  let key = keys.get(alg);
  if (key === undefined) {
    key =
      alg === 'RS256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 }).privateKey
        : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    keys.set(alg, key);
  }
  return key;
}

/**
 * How many signatures one core makes per second: `crypto.sign('sha256', data, key)` in a
 * tight loop for `durationMs` (RSA-2048 PKCS#1 v1.5 for RS256, P-256 ECDSA for ES256), which
 * is what a JWT signature costs (the worker's signJwt, jose). The main thread is busy meanwhile, so nothing else runs.
 */
export function measureSignRate(alg: SignRate['alg'], durationMs: number): SignRate {
  const key = keyFor(alg);
  const dsaEncoding = alg === 'ES256' ? 'ieee-p1363' : undefined;
  const signOnce = () =>
    dsaEncoding === undefined ? sign('sha256', SIGNING_INPUT, key) : sign('sha256', SIGNING_INPUT, { key, dsaEncoding });
  for (let i = 0; i < 20; i++) signOnce(); // warm-up
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let signatures = 0;
  let now = start;
  while (now < deadline) {
    // Check the clock every 10 signatures: ES256 signs in tens of microseconds.
    for (let i = 0; i < 10; i++) signOnce();
    signatures += 10;
    now = performance.now();
  }
  const elapsedMs = now - start;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    alg,
    perSecond: (signatures * 1000) / elapsedMs,
    signatures,
    elapsedMs,
    cpuMsPerSignature: (cpu.user + cpu.system) / 1000 / signatures,
  };
}
