import { describe, expect, it } from 'vitest';
import { parseForm } from '#http/form-body.ts';
import { formParam } from '#oidc/form-param.ts';
import { OAuthError } from '#oidc/oauth-error.ts';

describe('parseForm', () => {
  it('decodes + as a space and percent escapes as UTF-8', () => {
    const form = parseForm('scope=openid+email&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&name=J%C3%BCrgen', 100);
    expect(form).toEqual({ scope: 'openid email', redirect_uri: 'http://127.0.0.1/cb', name: 'Jürgen' });
  });

  it('keeps a repeated name as an array, which formParam refuses', () => {
    const form = parseForm('grant_type=a&grant_type=b&x=1', 100);
    expect(form.grant_type).toEqual(['a', 'b']);
    expect(() => formParam({ body: form }, 'grant_type')).toThrow(OAuthError);
    expect(formParam({ body: form }, 'x')).toBe('1');
  });

  it('keeps a broken escape as text and turns bytes that are not UTF-8 into U+FFFD (WHATWG URL rules)', () => {
    expect(parseForm('a=%E0%A4%A&b=%FF', 100)).toEqual({ a: '\uFFFD%A', b: '\uFFFD' });
  });

  it('has no prototype a parameter could reach', () => {
    const form = parseForm('__proto__=x&constructor=y', 100);
    expect(formParam({ body: form }, '__proto__')).toBe('x');
    expect(formParam({ body: form }, 'toString')).toBeUndefined();
    expect(Object.getPrototypeOf(form)).toBeNull();
  });

  it('refuses more parameters than the limit', () => {
    expect(() => parseForm('a=1&b=2&c=3', 2)).toThrow('too many parameters');
    expect(Object.keys(parseForm('a=1&b=2', 2))).toEqual(['a', 'b']);
  });
});
