import { PassThrough } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#logging/index.ts';
import { type ListeningServer, listenOn } from './listen.ts';
import { locals, requestContext } from './request-context.ts';

describe('requestContext', () => {
  const lines: Record<string, unknown>[] = [];
  let server: ListeningServer;
  let base: string;

  beforeAll(async () => {
    const destination = new PassThrough();
    let pending = '';
    destination.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const app = express();
    app.use(requestContext(createLogger({ name: 'test', destination })));
    app.get('/quiet', (_req, res) => {
      res.send('ok');
    });
    app.get('/chatty', (_req, res) => {
      locals(res).log.warn({ detail: 'something' }, 'handler says');
      res.status(201).send(locals(res).requestId);
    });
    server = await listenOn({ listen: new URL('http://127.0.0.1:0'), handler: app });
    base = server.url.origin;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function logged(requestId: string, count: number): Promise<Record<string, unknown>[]> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const found = lines.filter((line) => line.requestId === requestId);
      if (found.length >= count) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return lines.filter((line) => line.requestId === requestId);
  }

  it('gives every request an id, echoes it and logs one request line without the query', async () => {
    const response = await fetch(`${base}/quiet?code=secret-code`);
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const [line, ...more] = await logged(requestId, 1);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 30, msg: 'request', method: 'GET', path: '/quiet', status: 200, requestId });
    expect(JSON.stringify(line)).not.toContain('secret-code');
  });

  it('ties what a handler logs to the request id', async () => {
    const response = await fetch(`${base}/chatty`, { headers: { 'x-request-id': 'lb-0123456789' } });
    expect(await response.text()).toBe('lb-0123456789');
    const found = await logged('lb-0123456789', 2);
    expect(found.map((line) => line.msg).sort()).toEqual(['handler says', 'request']);
    expect(found.find((line) => line.msg === 'handler says')).toMatchObject({ level: 40, detail: 'something' });
    expect(found.find((line) => line.msg === 'request')).toMatchObject({ status: 201 });
  });

  it('replaces an inbound id that does not look like one', async () => {
    const response = await fetch(`${base}/quiet`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
