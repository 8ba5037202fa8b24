import { describe, expect, it } from 'vitest';
import { buildConsoleApi, type InvokeChannel } from '#preload/build-console-api.ts';

function recordingInvoke(answer: (channel: string) => unknown = () => ({ ok: true, data: 'answer' })) {
  const calls: { channel: string; args: readonly unknown[] }[] = [];
  const invoke: InvokeChannel = async (channel, args) => {
    calls.push({ channel, args });
    return answer(channel);
  };
  return { calls, invoke };
}

describe('preload bridge', () => {
  it('sends each call on its own channel with exactly the arguments given', async () => {
    const { calls, invoke } = recordingInvoke();
    const api = buildConsoleApi(invoke);
    expect(await api.clients.update('web-app', { name: 'Web app' })).toEqual({ ok: true, data: 'answer' });
    await api.users.list();
    await api.profiles?.save({ name: 'production', baseUrl: 'https://a.example', secret: 'c2VjcmV0' });
    expect(calls).toEqual([
      { channel: 'clients.update', args: ['web-app', { name: 'Web app' }] },
      { channel: 'users.list', args: [] },
      { channel: 'profiles.save', args: [{ name: 'production', baseUrl: 'https://a.example', secret: 'c2VjcmV0' }] },
    ]);
  });

  it('is frozen all the way down and exposes no generic invoke', () => {
    const api = buildConsoleApi(recordingInvoke().invoke);
    expect(Object.isFrozen(api)).toBe(true);
    for (const namespace of Object.values(api)) if (typeof namespace === 'object') expect(Object.isFrozen(namespace)).toBe(true);
    expect(() => {
      (api.clients as { list: unknown }).list = () => 'hijacked';
    }).toThrow(TypeError);
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.keys(api)).not.toContain('send');
  });

  it('resolves with INTERNAL, never rejects, when the main process does not answer or answers nonsense', async () => {
    const api = buildConsoleApi(async (channel) => {
      if (channel === 'keys.list') throw new Error("Error invoking remote method 'keys.list': No handler registered");
      return 'not a bridge result';
    });
    const unanswered = { ok: false, error: { code: 'INTERNAL', message: 'the console main process did not answer this request' } };
    expect(await api.keys.list()).toEqual(unanswered);
    expect(await api.keys.rotate()).toEqual(unanswered);
  });
});
