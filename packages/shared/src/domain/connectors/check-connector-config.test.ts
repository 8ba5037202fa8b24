import { describe, expect, it } from 'vitest';
import { checkConnectorConfig, checkConnectorConfigs, formatConnectorProblem } from './check-connector-config.ts';
import { MASKED_SECRET } from './connector-secrets.ts';

describe('checkConnectorConfig', () => {
  it('accepts a valid config and keeps unknown fields', () => {
    const input = { type: 'github', id: 'gh', clientID: 'a', clientSecret: 'b', extra: 1 };
    expect(checkConnectorConfig({ input })).toEqual({ config: input, problems: [] });
  });

  it('reports every problem, telling missing fields from wrong types', () => {
    const input = { type: 'oidc', id: 'o', issuerURL: 'ftp://x', clientID: '', trustedEmailProvider: 'yes' };
    expect(checkConnectorConfig({ input }).problems).toEqual([
      { path: 'issuerURL', message: 'must be an http(s) URL' },
      { path: 'clientID', message: 'must not be empty' },
      { path: 'clientSecret', message: 'is required' },
      { path: 'trustedEmailProvider', message: 'must be a boolean' },
    ]);
  });

  it('takes a display name on every type, trimmed, and refuses an empty or overlong one', () => {
    const named = checkConnectorConfig({ input: { type: 'local', id: 'staff', name: '  Staff accounts ' } });
    expect(named).toEqual({ config: { type: 'local', id: 'staff', name: 'Staff accounts' }, problems: [] });
    expect(checkConnectorConfig({ input: { type: 'local', id: 'staff', name: ' ' } }).problems).toEqual([
      { path: 'name', message: 'must not be empty' },
    ]);
    const ldap = { type: 'ldap', id: 'corp', host: 'ldap.example.com:389', baseDN: 'dc=example,dc=com', name: 'x'.repeat(65) };
    expect(checkConnectorConfig({ input: ldap }).problems).toEqual([{ path: 'name', message: 'must be at most 64 characters' }]);
  });

  it('keeps a masked secret only from the stored config of the same id and type', () => {
    const stored = { type: 'github' as const, id: 'gh', clientID: 'a', clientSecret: 'kept' };
    const input = { ...stored, clientSecret: MASKED_SECRET };
    expect(checkConnectorConfig({ input, stored }).config).toEqual(stored);
    expect(checkConnectorConfig({ input: { ...input, type: 'bitbucket' }, stored }).problems).toEqual([
      { path: 'clientSecret', message: 'is "********" (keep the stored secret) but connector "gh" has no stored value for it' },
    ]);
  });

  it('checks lists: entries by index, ids unique', () => {
    const github = { type: 'github', id: 'a', clientID: 'x', clientSecret: 'y' };
    const { configs, problems } = checkConnectorConfigs({ input: [{ type: 'local', id: 'a' }, github, 7], stored: [] });
    expect(configs).toBeNull();
    expect(problems).toEqual([
      { path: '1.id', message: 'must be unique ("a" is also the id of entry 0)' },
      { path: '2', message: 'must be a JSON object' },
    ]);
    expect(formatConnectorProblem({ path: '1.id', message: 'is required' }, { prefix: 'connectors' })).toBe('connectors.1.id is required');
    expect(formatConnectorProblem({ path: '', message: 'must be a JSON object' })).toBe('the connector config must be a JSON object');
  });

  it('refuses a second local connector in a list, at its index', () => {
    const { problems } = checkConnectorConfigs({ input: [{ type: 'local', id: 'local' }, 7, { type: 'local', id: 'email' }], stored: [] });
    expect(problems).toEqual([
      { path: '1', message: 'must be a JSON object' },
      { path: '2.type', message: 'must not be local: "local" is already the local connector (there can be one)' },
    ]);
  });
});
