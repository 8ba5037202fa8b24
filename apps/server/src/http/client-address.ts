import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { ClientAddressOf } from './request.ts';

/** An IPv4 address written as IPv6 (`::ffff:192.0.2.1`, how a dual-stack socket reports it). */
const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The longest `X-Forwarded-For` entry taken as an address; longer ones are cut. */
const MAX_ENTRY = 64;

function normalize(address: string): string {
  const trimmed = address.trim();
  const mapped = MAPPED_IPV4.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

/**
 * Parses `--trusted-proxies`: IP addresses and CIDR ranges (`10.0.0.0/8`, `127.0.0.1`,
 * `fd00::/8`). Throws naming the first entry that is neither.
 * @example const proxies = parseTrustedProxies(['10.0.0.0/8', '::1']);
 */
export function parseTrustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || rest.length > 0 || !Number.isInteger(bits) || bits < 0 || bits > max || prefix === '') {
      throw new Error(`"${entry}" is not an IP address or CIDR range (like 10.0.0.0/8 or fd00::/8)`);
    }
    list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client address of requests that may come through trusted proxies. A request whose
 * socket peer is not a trusted proxy is its own client, whatever `X-Forwarded-For` says. From
 * a trusted proxy, `X-Forwarded-For` is read from the right (each proxy appends the address it
 * received from) and the first address that is not a trusted proxy is the client; entries left
 * of it were written by the client itself and are never believed. When every hop is trusted,
 * the leftmost is taken.
 * @example createRouter({ ..., clientAddress: trustedProxyAddress(parseTrustedProxies(['10.0.0.0/8'])) });
 */
export function trustedProxyAddress(proxies: BlockList): ClientAddressOf {
  return (raw: IncomingMessage) => {
    let address = normalize(raw.socket.remoteAddress ?? 'unknown');
    if (!isTrusted(proxies, address)) return address;
    const header = raw.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    for (let i = forwarded.length - 1; i >= 0; i--) {
      const entry = normalize(forwarded[i] ?? '');
      if (entry === '') continue;
      address = entry.slice(0, MAX_ENTRY);
      if (!isTrusted(proxies, address)) return address;
    }
    return address;
  };
}
