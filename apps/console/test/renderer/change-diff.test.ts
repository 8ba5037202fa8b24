import { describe, expect, it } from 'vitest';
import { diffChange, HIDDEN_VALUE } from '../../src/renderer/features/audit/change-diff.ts';

describe('an audit change as a diff', () => {
  it('lists every field once, marks the changed ones, flattens nested objects', () => {
    expect(
      diffChange(
        { name: 'Old', redirectUris: ['https://a/cb'], config: { host: 'ldap:389' } },
        { name: 'New', redirectUris: ['https://a/cb'], config: { host: 'ldap:636' } },
      ),
    ).toEqual([
      { field: 'name', before: 'Old', after: 'New', isChanged: true },
      { field: 'redirectUris', before: '["https://a/cb"]', after: '["https://a/cb"]', isChanged: false },
      { field: 'config.host', before: 'ldap:389', after: 'ldap:636', isChanged: true },
    ]);
  });

  it('shows a creation and a deletion as one side only', () => {
    expect(diffChange(null, { id: 'c1' })).toEqual([{ field: 'id', before: undefined, after: 'c1', isChanged: true }]);
    expect(diffChange({ id: 'c1' }, null)).toEqual([{ field: 'id', before: 'c1', after: undefined, isChanged: true }]);
  });

  it('shows fields that only mention tokens, such as the access token format', () => {
    expect(diffChange({ accessTokenFormat: 'opaque' }, { accessTokenFormat: 'jwt' })).toEqual([
      { field: 'accessTokenFormat', before: 'opaque', after: 'jwt', isChanged: true },
    ]);
  });

  it('never shows a secret, whatever its name or nesting', () => {
    const rows = diffChange(
      { config: { clientSecret: 's3cret', bindPassword: 'pw' } },
      { config: { clientSecret: 'n3w', bindPassword: 'pw' } },
    );
    expect(rows.map((row) => [row.field, row.before, row.after, row.isChanged])).toEqual([
      ['config.clientSecret', HIDDEN_VALUE, HIDDEN_VALUE, true],
      ['config.bindPassword', HIDDEN_VALUE, HIDDEN_VALUE, false],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/s3cret|n3w|"pw"/);
  });
});
