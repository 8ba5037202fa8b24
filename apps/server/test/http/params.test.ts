import { OAuthError } from '@dex/shared/errors';
import { describe, expect, it } from 'vitest';
import { param, parseParams, singleParams } from '#http/params.ts';

describe('parseParams (application/x-www-form-urlencoded)', () => {
  it('decodes + as a space and percent escapes as UTF-8', () => {
    const params = parseParams('scope=openid+email&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&name=J%C3%BCrgen');
    expect(params).toEqual({ scope: 'openid email', redirect_uri: 'http://127.0.0.1/cb', name: 'Jürgen' });
  });

  it('keeps a repeated name as an array, which param and singleParams refuse', () => {
    const params = parseParams('grant_type=a&grant_type=b&x=1');
    expect(params.grant_type).toEqual(['a', 'b']);
    expect(() => param(params, 'grant_type')).toThrow(OAuthError);
    expect(() => singleParams(params)).toThrow('The parameter "grant_type" was given more than once.');
    expect(param(params, 'x')).toBe('1');
  });

  it('keeps a broken escape as text (WHATWG URL rules)', () => {
    expect(parseParams('b=%4&c=100%&d=%zz&e=%C3%A9%')).toEqual({ b: '%4', c: '100%', d: '%zz', e: 'é%' });
  });

  it('refuses percent-encoded bytes that are not UTF-8 instead of replacing them', () => {
    expect(() => parseParams('b=%FF')).toThrow('parameter b is not valid UTF-8');
    expect(() => parseParams('a=%E0%A4%A')).toThrow('parameter a is not valid UTF-8');
    expect(() => parseParams('%FF=1')).toThrow('a parameter name is not valid UTF-8');
  });

  it('refuses a NUL character and a lone surrogate, encoded or not', () => {
    expect(() => parseParams('state=a%00b')).toThrow('parameter state contains a character that is not allowed');
    expect(() => parseParams('state=a\u0000b')).toThrow(OAuthError);
    expect(() => parseParams('nonce=%ED%A0%80')).toThrow(OAuthError);
  });

  it('refuses a value over the length limit, and more parameters than the limit', () => {
    expect(() => parseParams(`code=${'a'.repeat(9000)}`)).toThrow('parameter code is too long');
    expect(() => parseParams('a=1&b=2&c=3', { maxParameters: 2, maxValueLength: 10 })).toThrow('too many parameters');
    expect(Object.keys(parseParams('a=1&b=2', { maxParameters: 2, maxValueLength: 10 }))).toEqual(['a', 'b']);
  });

  it('has no prototype a parameter could reach', () => {
    const params = parseParams('__proto__=x&constructor=y');
    expect(param(params, '__proto__')).toBe('x');
    expect(param(params, 'toString')).toBeUndefined();
    expect(Object.getPrototypeOf(params)).toBeNull();
  });

  it('treats an empty value as absent', () => {
    expect(param(parseParams('scope=&x'), 'scope')).toBeUndefined();
    expect(param(parseParams('scope=&x'), 'x')).toBeUndefined();
  });
});
