import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BridgeResult, ConsoleApi } from '#shared/console-api.ts';
import { type ChannelArgs, type ChannelData, type ChannelName, IPC_ARGUMENTS, IPC_CHANNELS, IPC_METHODS } from '#shared/ipc-contract.ts';
import { buildConsoleApi } from '#preload/build-console-api.ts';

/** Every method of a ConsoleApi object, as `namespace.method`, found at run time. */
function methodsOf(api: object): string[] {
  return Object.entries(api)
    .filter(([, value]) => typeof value === 'object' && value !== null)
    .flatMap(([namespace, methods]) =>
      Object.entries(methods as object)
        .filter(([, value]) => typeof value === 'function')
        .map(([method]) => `${namespace}.${method}`),
    )
    .sort();
}

describe('IPC contract', () => {
  it('has exactly one channel per ConsoleApi method (type level)', () => {
    expectTypeOf<ChannelName>().toEqualTypeOf<
      | 'profiles.list'
      | 'profiles.save'
      | 'profiles.remove'
      | 'signIn.withDex'
      | 'signIn.cancel'
      | 'connection.current'
      | 'connection.connect'
      | 'connection.disconnect'
      | 'overview.health'
      | 'overview.state'
      | 'overview.processes'
      | 'clients.list'
      | 'clients.get'
      | 'clients.create'
      | 'clients.update'
      | 'clients.remove'
      | 'clients.rotateSecret'
      | 'connectors.list'
      | 'connectors.get'
      | 'connectors.create'
      | 'connectors.update'
      | 'connectors.remove'
      | 'connectors.validate'
      | 'connectors.test'
      | 'keys.list'
      | 'keys.rotate'
      | 'users.list'
      | 'users.get'
      | 'users.create'
      | 'users.update'
      | 'users.remove'
      | 'users.disable'
      | 'users.enable'
      | 'users.revokeTokens'
      | 'users.sendInvitation'
      | 'users.sendPasswordReset'
      | 'audit.list'
      | 'events.list'
    >();
    expectTypeOf<ChannelArgs<'clients.update'>>().toEqualTypeOf<Parameters<ConsoleApi['clients']['update']>>();
    expectTypeOf<ChannelData<'connection.connect'>>().toEqualTypeOf<
      Awaited<ReturnType<ConsoleApi['connection']['connect']>> extends BridgeResult<infer T> ? T : never
    >();
  });

  it('lists every channel once, with an argument schema for each (run time)', () => {
    expect(new Set(IPC_CHANNELS).size).toBe(IPC_CHANNELS.length);
    expect([...IPC_CHANNELS].sort()).toEqual(Object.keys(IPC_ARGUMENTS).sort());
    expect(IPC_CHANNELS).toHaveLength(Object.values(IPC_METHODS).flat().length);
  });

  it('builds a desktop bridge whose methods are exactly the channels', () => {
    const api = buildConsoleApi(async () => ({ ok: true, data: null }));
    expect(api.kind).toBe('desktop');
    expect(methodsOf(api)).toEqual([...IPC_CHANNELS].sort());
  });
});
