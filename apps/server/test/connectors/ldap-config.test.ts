import { parseConnectorConfigs } from '@dex/shared/domain/connectors';
import { describe, expect, it } from 'vitest';
import { escapeDnValue, escapeFilterValue, fillTemplate } from '../../src/connectors/ldap-escape.ts';

const parse = (config: Record<string, unknown>) => () => parseConnectorConfigs([{ type: 'ldap', id: 'ldap', ...config }]);

describe('ldap connector config', () => {
  it('accepts both modes and v0 field names', () => {
    expect(parse({ host: 'ldap.example.com:389', baseDN: 'ou=people,dc=example,dc=com' })).not.toThrow();
    expect(parse({ host: '[::1]:636', useSSL: true, caFile: '/etc/ca.pem', baseDN: 'dc=x', bindTemplate: 'cn=%u,%d' })).not.toThrow();
    expect(
      parse({
        host: 'ldap:389',
        baseDN: 'dc=x',
        searchBeforeAuth: true,
        searchFilter: '(uid=%u)',
        searchScope: 'sub',
        searchBindDN: 'cn=svc,dc=x',
        searchBindPw: 'pw',
        searchGroupFilter: '(member=%u)',
        timeout: '10s',
        maxIdleConn: 5,
      }),
    ).not.toThrow();
    expect(parse({ serverHost: 'ldap.example.com', serverPort: 389, baseDN: 'dc=x' })).not.toThrow();
  });

  it('refuses mistakes with a message that names the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ baseDN: 'dc=x' }, '"host" is required'],
      [{ host: 'ldap.example.com', baseDN: 'dc=x' }, '"host" must be "host:port"'],
      [{ host: 'ldap:99999', baseDN: 'dc=x' }, '"host" must have a port'],
      [{ host: 'ldap:389', baseDN: 'dc=x', useTLS: true, useSSL: true }, '"useSSL" cannot be used with useTLS'],
      [{ host: 'ldap:389', baseDN: 'dc=x', caFile: '/ca.pem' }, '"caFile" needs useTLS or useSSL'],
      [{ host: 'ldap:389', baseDN: 'dc=x', useTLS: true, certFile: '/c.pem' }, '"keyFile" is required'],
      [
        { host: 'ldap:389', baseDN: 'dc=x', searchBeforeAuth: true, bindTemplate: 'uid=%u,%b' },
        '"bindTemplate" cannot be used with searchBeforeAuth',
      ],
      [{ host: 'ldap:389', searchBeforeAuth: true }, '"baseDN" is required with searchBeforeAuth'],
      [{ host: 'ldap:389', baseDN: 'dc=x', searchFilter: '(uid=%u)' }, '"searchFilter" needs searchBeforeAuth'],
      [{ host: 'ldap:389', baseDN: 'dc=x', searchBeforeAuth: true, searchFilter: '(uid=jane)' }, '"searchFilter" must contain %u'],
      [{ host: 'ldap:389', baseDN: 'dc=x', searchBeforeAuth: true, searchFilter: 'uid=%u' }, '"searchFilter" must be an LDAP filter'],
      [{ host: 'ldap:389', baseDN: 'dc=x', searchScope: 'subtree' }, '"searchScope" must be "base", "one" or "sub"'],
      [{ host: 'ldap:389', baseDN: 'dc=x', searchBindDN: 'cn=svc,dc=x' }, '"searchBindPw" is required with searchBindDN'],
      [{ host: 'ldap:389', baseDN: 'dc=x', searchBindDN: 'cn=svc,dc=x', searchBindPw: '' }, '"searchBindPw" is required'],
      [{ host: 'ldap:389', bindTemplate: 'uid=%u,%b' }, '"baseDN" is required when bindTemplate uses %b or %d'],
      [{ host: 'ldap:389', baseDN: 'dc=x', bindTemplate: 'uid=jane,%b' }, '"bindTemplate" must contain %u'],
      [{ host: 'ldap:389', baseDN: 'dc=x', timeout: '10 seconds' }, '"timeout" must be milliseconds or a duration'],
      [{ host: 'ldap:389', baseDN: 'dc=x', timeout: 30_000_000_000 }, '"timeout" must be from 100 ms to 5 minutes'],
      [{ host: 'ldap:389', baseDN: 'dc=x', emailAttribute: 'mail)(x' }, '"emailAttribute" must be an LDAP attribute name'],
    ];
    for (const [config, message] of cases) expect(parse(config), JSON.stringify(config)).toThrow(message);
  });
});

describe('ldap escaping', () => {
  it('filter values (RFC 4515)', () => {
    expect(escapeFilterValue('jane')).toBe('jane');
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue('admin)(|(uid=*')).toBe('admin\\29\\28|\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\0')).toBe('a\\5cb\\00');
  });

  it('DN attribute values (RFC 4514)', () => {
    expect(escapeDnValue('jane')).toBe('jane');
    expect(escapeDnValue('doe, john')).toBe('doe\\, john');
    expect(escapeDnValue('a+b=c;d<e>f"g\\h')).toBe('a\\+b\\=c\\;d\\<e\\>f\\"g\\\\h');
    expect(escapeDnValue('#x ')).toBe('\\#x\\ ');
    expect(escapeDnValue(' x')).toBe('\\ x');
    expect(escapeDnValue('x\0')).toBe('x\\00');
  });

  it('fills templates in one pass (a %b inside the username stays)', () => {
    expect(fillTemplate('uid=%u,%b', { username: '%b', baseDN: 'dc=x' })).toBe('uid=%b,dc=x');
    expect(fillTemplate('uid=%u,%d', { username: 'jane', baseDN: 'dc=x' })).toBe('uid=jane,dc=x');
  });
});
