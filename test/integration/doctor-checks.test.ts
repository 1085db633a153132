// `runDoctor` against a whole deployment on this machine (doctor-harness.ts): all checks pass on
// the good one, and each fault of a broken one is named by its check, with a fix.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { resolvePartitions } from '../../src/redis/partitions.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorResolver } from '../../src/doctor/dns-checks.ts';
import { runDoctor } from '../../src/doctor/run-doctor.ts';
import type { CheckResult } from '../../src/doctor/types.ts';
import { startDnsServer, type DnsServer } from '../helpers/dns-server.ts';
import { startPrivateRedis, type PrivateRedisServer } from '../helpers/private-redis-server.ts';
import { DOMAIN, type DoctorWorld, goodZone, newKey, SELECTOR, startDoctorWorld, startRawServer, startRelay, startSite } from './doctor-harness.ts';

let world: DoctorWorld;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  world = await startDoctorWorld();
}, 60_000);

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await world?.close();
});

async function doctor(over: Record<string, string> = {}, dns: DnsServer = world.dns): Promise<CheckResult[]> {
  return runDoctor(world.config(over), { resolver: doctorResolver(dns.address), ca: world.ca.cert });
}

const byName = (results: CheckResult[], check: string) => results.find((r) => r.check === check);
const failed = (results: CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => r.check);

/** A DNS server with the good zone changed by `edit`. */
async function dnsWith(edit: (zone: ReturnType<typeof goodZone>) => void): Promise<DnsServer> {
  const zone = goodZone(world.dkimKey);
  edit(zone);
  const dns = await startDnsServer(zone);
  closers.push(() => dns.close());
  return dns;
}

describe('newsletter doctor on this machine', () => {
  it('passes every check of a correct set-up, and the one-click POST is the RFC 8058 body', async () => {
    const results = await doctor();
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map((r) => r.check)).toEqual(
      expect.arrayContaining(['spf', 'spf-relay', 'dkim-key', 'dmarc', 'alignment', 'bounce-domain', 'public-url', 'tls-certificate', 'one-click']),
    );
    expect(results.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'redis-eviction',
        'redis-aof',
        'redis-memory',
        'smtp-connect',
        'smtp-starttls',
        'smtp-ehlo',
        'list-unsubscribe',
        'dkim-signature',
      ]),
    );
    expect(world.site.posts.at(-1)).toBe('List-Unsubscribe=One-Click');
    expect(byName(results, 'dmarc')!.detail).toContain('p=reject');
  });

  it('sizes a send by the active subscribers the store counts, and writes nothing to find them', async () => {
    const redis = new Redis(world.env.REDIS_URL!);
    try {
      const prefix = world.env.KEY_PREFIX!;
      expect(await redis.dbsize()).toBe(0);
      await doctor();
      // No partition count written by the doctor: a first `serve` still chooses it.
      expect(await redis.dbsize()).toBe(0);
      const store = new RedisSubscriberStore(redis, await resolvePartitions(redis, prefix));
      for (const email of ['a@reader.test', 'b@reader.test', 'c@reader.test']) await store.create({ email, lists: ['weekly'], status: 'active' });
      expect(byName(await doctor(), 'redis-memory')).toMatchObject({ status: 'pass', detail: expect.stringContaining('a send to 3 active subscriber(s)') });
    } finally {
      redis.disconnect();
    }
  });

  it('names a missing SPF record', async () => {
    const dns = await dnsWith((z) => (z[DOMAIN]!.TXT = []));
    const results = await doctor({}, dns);
    expect(byName(results, 'spf')).toMatchObject({ status: 'fail', fix: expect.stringContaining('v=spf1') });
  });

  it('names an SPF record that does not name the relay', async () => {
    const dns = await dnsWith((z) => (z[DOMAIN]!.TXT = ['v=spf1 ip4:192.0.2.0/24 -all']));
    expect(byName(await doctor({}, dns), 'spf-relay')).toMatchObject({ status: 'fail' });
  });

  it('names an SPF record that lets anyone send (+all), and not as a relay it misses', async () => {
    const dns = await dnsWith((z) => (z[DOMAIN]!.TXT = ['v=spf1 ip4:127.0.0.1 +all']));
    const results = await doctor({}, dns);
    expect(byName(results, 'spf')).toMatchObject({ status: 'fail', detail: expect.stringContaining('+all'), fix: expect.stringContaining('-all') });
    expect(byName(results, 'spf-relay')).toBeUndefined();
  });

  it('names two DMARC records (receivers then apply neither)', async () => {
    const dns = await dnsWith((z) => (z[`_dmarc.${DOMAIN}`]!.TXT = ['v=DMARC1; p=reject', 'v=DMARC1; p=none']));
    expect(byName(await doctor({}, dns), 'dmarc')).toMatchObject({ status: 'fail', detail: expect.stringContaining('2 DMARC records') });
  });

  it('names a bounce domain with a null MX (it accepts no mail)', async () => {
    const dns = await dnsWith((z) => (z[`bounces.${DOMAIN}`]!.MX = [{ preference: 0, exchange: '.' }]));
    expect(byName(await doctor({}, dns), 'bounce-domain')).toMatchObject({ status: 'fail', detail: expect.stringContaining('null MX') });
  });

  it('names a DKIM key that is not the published one, without printing the key', async () => {
    const other = newKey();
    const results = await doctor({ DKIM_PRIVATE_KEY: other.replace(/\n/g, '\\n') });
    expect(byName(results, 'dkim-key')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`${SELECTOR}._domainkey.${DOMAIN}`) });
    const body = other.split('\n')[1]!;
    expect(JSON.stringify(results)).not.toContain(body);
  });

  it('names a missing DMARC record', async () => {
    const dns = await dnsWith((z) => delete z[`_dmarc.${DOMAIN}`]);
    expect(byName(await doctor({}, dns), 'dmarc')).toMatchObject({ status: 'fail', fix: expect.stringContaining('v=DMARC1') });
  });

  it('names a return path and DKIM domain that do not align with From', async () => {
    const results = await doctor({ BOUNCE_ADDRESS: 'bounces@elsewhere.test' });
    expect(byName(results, 'alignment')).toMatchObject({ status: 'warn' });
    expect(byName(results, 'bounce-domain')).toMatchObject({ status: 'fail' });
  });

  it('names a self-signed certificate', async () => {
    const site = await startSite(world.ca.selfSigned(['localhost', '127.0.0.1']));
    closers.push(() => site.close());
    const results = await doctor({ PUBLIC_URL: site.url });
    expect(byName(results, 'tls-certificate')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/self[- ]signed/i) });
    expect(site.posts).toEqual([]);
  });

  it('names a certificate for another host name', async () => {
    const site = await startSite(world.ca.leaf(['other.test']));
    closers.push(() => site.close());
    expect(byName(await doctor({ PUBLIC_URL: site.url }), 'tls-certificate')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID'),
    });
  });

  it('names a one-click endpoint that redirects', async () => {
    const site = await startSite(world.serverTls, 302);
    closers.push(() => site.close());
    const results = await doctor({ PUBLIC_URL: site.url });
    expect(byName(results, 'tls-certificate')?.status).toBe('pass');
    expect(byName(results, 'one-click')).toMatchObject({ status: 'fail', detail: expect.stringContaining('302') });
  });

  it('names a PUBLIC_URL that answers 200 as another site would (a catch-all page), not as the one-click endpoint', async () => {
    const site = await startSite(world.serverTls, 200, '<!doctype html><title>My blog</title><p>Welcome!</p>');
    closers.push(() => site.close());
    const results = await doctor({ PUBLIC_URL: site.url });
    expect(byName(results, 'one-click')).toMatchObject({ status: 'fail', detail: expect.stringContaining('another site') });
  });

  it('names a relay that greets and hangs up as the relay closing, with the EHLO line kept', async () => {
    const rude = await startRawServer((socket) => socket.end('220 relay.test ESMTP\r\n'));
    closers.push(() => rude.close());
    const results = await doctor({ SMTP_URL: `smtp://127.0.0.1:${rude.port}` });
    expect(byName(results, 'smtp-connect')).toMatchObject({ status: 'fail', detail: expect.stringContaining('closed the connection before answering EHLO') });
    expect(byName(results, 'smtp-ehlo')).toBeDefined();
    expect(byName(results, 'smtp')).toBeUndefined();
  });

  it('names each public-URL check of a TLS server that never answers, not one line for all', async () => {
    const silent = await startRawServer();
    closers.push(() => silent.close());
    const results = await runDoctor(world.config({ PUBLIC_URL: `https://localhost:${silent.port}` }), {
      resolver: doctorResolver(world.dns.address),
      ca: world.ca.cert,
      // Room for the two inner limits (2.5 s each, side by side) under the group's on a busy machine.
      timeoutMs: 3_000,
    });
    expect(byName(results, 'public-url')?.status).toBe('pass');
    expect(byName(results, 'tls-certificate')?.status).toBe('fail');
    expect(byName(results, 'one-click')?.status).toBe('fail');
  });

  it('names http on another host as a failure', async () => {
    const results = await doctor({ PUBLIC_URL: 'http://news.test.invalid' });
    expect(byName(results, 'public-url')?.status).toBe('fail');
    expect(byName(results, 'list-unsubscribe')).toMatchObject({ status: 'fail', detail: expect.stringContaining('https') });
  });

  describe('a small Redis that evicts and keeps nothing on disk', () => {
    let redis: PrivateRedisServer;
    beforeAll(async () => {
      // 4 MB: less than the fan-out window alone needs (10,000 jobs at 881 B).
      redis = await startPrivateRedis(['--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru', '--maxmemory', '4mb']);
    }, 30_000);
    afterAll(async () => redis?.stop());

    it('names allkeys-lru', async () => {
      expect(byName(await doctor({ REDIS_URL: redis.url }), 'redis-eviction')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('allkeys-lru'),
      });
    });

    it('names too little memory for a send', async () => {
      expect(byName(await doctor({ REDIS_URL: redis.url }), 'redis-memory')).toMatchObject({ status: 'fail', fix: expect.stringContaining('maxmemory') });
    });

    it('names AOF off', async () => {
      expect(byName(await doctor({ REDIS_URL: redis.url }), 'redis-aof')).toMatchObject({ status: 'fail', fix: expect.stringContaining('appendonly yes') });
    });
  });

  it('names a relay without STARTTLS', async () => {
    const relay = await startRelay(world.serverTls, { hideSTARTTLS: true });
    closers.push(() => relay.close());
    const results = await doctor({ SMTP_URL: `smtp://127.0.0.1:${relay.port}` });
    expect(byName(results, 'smtp-starttls')).toMatchObject({ status: 'fail' });
  });

  it('takes smtps: as TLS from the first byte, and still checks its certificate', async () => {
    const relay = await startRelay(world.serverTls, { secure: true });
    closers.push(() => relay.close());
    const results = await doctor({ SMTP_URL: `smtps://127.0.0.1:${relay.port}` });
    expect(byName(results, 'smtp-tls')?.status).toBe('pass');
    expect(byName(results, 'smtp-starttls')).toBeUndefined();
    const selfSigned = await startRelay(world.ca.selfSigned(['127.0.0.1']), { secure: true });
    closers.push(() => selfSigned.close());
    expect(byName(await doctor({ SMTP_URL: `smtps://127.0.0.1:${selfSigned.port}` }), 'smtp-tls')?.status).toBe('fail');
  });

  it('logs in with the URL’s credentials, names refused ones, and never prints the password', async () => {
    const relay = await startRelay(world.serverTls, { auth: { user: 'sender', pass: 'right-pass-91' } });
    closers.push(() => relay.close());
    const good = await doctor({ SMTP_URL: `smtp://sender:right-pass-91@127.0.0.1:${relay.port}` });
    expect(byName(good, 'smtp-auth')?.status).toBe('pass');
    const bad = await doctor({ SMTP_URL: `smtp://sender:wrong-pass-42@127.0.0.1:${relay.port}` });
    expect(byName(bad, 'smtp-auth')).toMatchObject({ status: 'fail' });
    expect(JSON.stringify([...good, ...bad])).not.toMatch(/right-pass-91|wrong-pass-42/);
  });

  it('fails the message check without DKIM, and names nothing else new', async () => {
    const results = await doctor({ DKIM_DOMAIN: '', DKIM_SELECTOR: '', DKIM_PRIVATE_KEY: '' });
    expect(byName(results, 'dkim-signature')).toMatchObject({ status: 'fail', fix: expect.stringContaining('DKIM_PRIVATE_KEY') });
    expect(failed(results).sort()).toEqual(['dkim-key', 'dkim-signature']);
    // The return path still aligns: DMARC can pass on SPF alone, which forwarding breaks.
    expect(byName(results, 'alignment')?.status).toBe('warn');
  });

  it('ends a check whose server never answers with a failure, not a hang', async () => {
    // A DNS server that reads every query and answers none.
    const silent = createSocket('udp4');
    silent.bind(0, '127.0.0.1');
    await once(silent, 'listening');
    closers.push(() => new Promise((resolve) => silent.close(() => resolve())));
    // And an SMTP relay that takes the connection and never greets.
    const mute = await startRawServer();
    closers.push(() => mute.close());
    const smtpUrl = `smtp://127.0.0.1:${mute.port}`;
    const results = await runDoctor(world.config({ SMTP_URL: smtpUrl }), {
      dnsServer: `127.0.0.1:${silent.address().port}`,
      ca: world.ca.cert,
      timeoutMs: 1_500,
    });
    const dns = results.filter((r) => ['spf', 'dmarc', 'bounce-domain', 'dns'].includes(r.check));
    expect(dns.length).toBeGreaterThan(0);
    expect(dns.every((r) => r.status === 'fail')).toBe(true);
    expect(results.find((r) => r.check === 'smtp' || r.check === 'smtp-connect')?.status).toBe('fail');
    // The other servers answered as before.
    expect(byName(results, 'redis-aof')?.status).toBe('pass');
  });
});
