import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { errorReply } from '../../../client/api/errors.js';

const app = Fastify({ logger: false });
app.setErrorHandler((err, request, reply) => errorReply(err, request, reply, 1024));
const fail = (error: Error & { code?: string }) => () => Promise.reject(error);
const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
app.get('/refused', fail(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')));
app.get('/shutdown', fail(withCode('57P01', 'terminating connection due to administrator command')));
app.get('/class08', fail(withCode('08006')));
app.get('/wrapped', fail(new Error('query failed', { cause: withCode('ECONNRESET') })));
app.get('/bug', fail(new TypeError('cannot read properties of undefined')));
app.get('/constraint', fail(withCode('23505', 'duplicate key')));
afterAll(() => app.close());

describe('a store that cannot be reached answers 503, not 500', () => {
  it.each(['/refused', '/shutdown', '/class08', '/wrapped'])(
    '%s → 503 unavailable, in Chinese',
    async (url) => {
      const r = await app.inject({ url });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ error: 'unavailable', message: '数据库或存储暂时无法连接，请稍后重试' });
    },
  );

  it.each(['/bug', '/constraint'])('%s (not a connection failure) stays 500', async (url) => {
    const r = await app.inject({ url });
    expect(r.statusCode).toBe(500);
    expect(r.json<{ error: string }>().error).toBe('internal');
  });
});
