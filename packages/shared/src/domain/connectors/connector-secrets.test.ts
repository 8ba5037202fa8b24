import { describe, expect, it } from 'vitest';
import { isSecretField, keepStoredSecrets, MASKED_SECRET, maskConnectorSecrets } from './connector-secrets.ts';

describe('connector secrets', () => {
  it('recognises secret fields by name', () => {
    for (const name of ['clientSecret', 'searchBindPw', 'bindPW', 'password', 'adminPasswd', 'secrets'])
      expect(isSecretField(name)).toBe(true);
    for (const name of ['clientID', 'pwPolicy', 'searchBindDN', 'emailClaim', 'keyFile']) expect(isSecretField(name)).toBe(false);
  });

  it('masks secrets at any depth and leaves empty ones visible', () => {
    const config = { type: 'x', id: 'x', clientSecret: 's1', bindPW: '', nested: { password: 's2' }, list: [{ searchBindPw: 's3' }] };
    expect(maskConnectorSecrets(config)).toEqual({
      type: 'x',
      id: 'x',
      clientSecret: MASKED_SECRET,
      bindPW: '',
      nested: { password: MASKED_SECRET },
      list: [{ searchBindPw: MASKED_SECRET }],
    });
    expect(config.clientSecret).toBe('s1');
  });

  it('puts stored secrets back where the mask was sent, and reports masks with nothing to keep', () => {
    const stored = { clientSecret: 's1', nested: { password: 's2' } };
    expect(keepStoredSecrets({ config: { clientSecret: MASKED_SECRET, nested: { password: MASKED_SECRET } }, stored })).toEqual({
      config: stored,
      unresolved: [],
    });
    expect(keepStoredSecrets({ config: { clientSecret: 'new', clientID: MASKED_SECRET }, stored })).toEqual({
      config: { clientSecret: 'new', clientID: MASKED_SECRET },
      unresolved: [],
    });
    expect(keepStoredSecrets({ config: { clientSecret: MASKED_SECRET, nested: { password: MASKED_SECRET } }, stored: undefined })).toEqual({
      config: { clientSecret: MASKED_SECRET, nested: { password: MASKED_SECRET } },
      unresolved: ['clientSecret', 'nested.password'],
    });
  });
});
