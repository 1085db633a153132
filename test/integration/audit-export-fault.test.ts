// The audit log's CSV export when Redis answers with an error part-way (here: the stream's key
// holds a string, so XRANGE fails with WRONGTYPE, a real Redis error): that one download ends,
// logged, and the server goes on answering. An export once piped its rows with `pipe`, which
// does not pass a source's error on: the error was unhandled and stopped the whole process.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditRoutes } from '../../src/console/audit-routes.ts';
import { keys as keysFor } from '../../src/redis/keys.ts';
import { AuditLog } from '../../src/team/audit-log.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';

let r: TestRedis;
let app: FastifyInstance;
const lines: { msg?: string; err?: string }[] = [];

beforeAll(async () => {
  r = await testRedis();
  const keys = keysFor(r.prefix);
  await r.redis.set(keys.auditLog(), 'not a stream');
  const loggerInstance = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  app = Fastify({ loggerInstance: loggerInstance as FastifyBaseLogger });
  await app.register(auditRoutes({ log: new AuditLog(r.redis, keys, 400), config: { auditRetentionDays: 400 }, cookies: { secure: false } }), {
    prefix: '/admin',
  });
  app.get('/alive', async () => 'yes');
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await r?.cleanup();
});

it('ends the one download on a Redis error, logs it, and the server goes on', async () => {
  const res = await app.inject({ method: 'GET', url: '/admin/audit.csv' });
  // Whatever reached the client, it is not a whole export: no row, at most the header.
  expect(res.body).not.toContain('not a stream');
  expect(lines.some((l) => l.msg === 'audit export cut short' && /WRONGTYPE/.test(l.err ?? ''))).toBe(true);
  expect((await app.inject({ method: 'GET', url: '/alive' })).body).toBe('yes');
});
