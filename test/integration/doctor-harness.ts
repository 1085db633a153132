// A whole deployment on this machine for `newsletter doctor`: a DNS server with the sender's
// records, an https site (certificate from a test CA) answering one-click POSTs, a private Redis
// set up as production wants it, and an SMTP relay offering STARTTLS. Each test changes one
// thing of it (a record, a certificate, a Redis setting) and looks for that check's name.
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { loadConfig } from '../../src/config/index.ts';
import { publicKeyBase64 } from '../../src/doctor/dns-records.ts';
import type { DoctorConfig } from '../../src/doctor/run-doctor.ts';
import { startDnsServer, type DnsServer, type Zone } from '../helpers/dns-server.ts';
import { startPrivateRedis, type PrivateRedisServer } from '../helpers/private-redis-server.ts';
import { createTestCa, type KeyAndCert, type TestCa } from '../helpers/test-ca.ts';

export const DOMAIN = 'news.test';
export const SELECTOR = 'nl2026';
export const SECRET = 'doctor-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export const newKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The sender's records, all right: SPF naming the loopback relay, the DKIM key, DMARC, an MX for bounces. */
export function goodZone(dkimKey: string): Zone {
  return {
    [DOMAIN]: { TXT: ['v=spf1 ip4:127.0.0.1 -all'], MX: [{ preference: 10, exchange: `mx.${DOMAIN}` }] },
    [`${SELECTOR}._domainkey.${DOMAIN}`]: { TXT: [`v=DKIM1; k=rsa; p=${publicKeyBase64(dkimKey)}`] },
    [`_dmarc.${DOMAIN}`]: { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@news.test'] },
    [`bounces.${DOMAIN}`]: { MX: [{ preference: 10, exchange: `mx.${DOMAIN}` }] },
    [`mx.${DOMAIN}`]: { A: ['127.0.0.1'] },
  };
}

/** An https server answering `POST /unsubscribe/…` with `status` (a Location too when 3xx) and `answer` (the real route's, unless told). */
export async function startSite(tls: KeyAndCert, status = 200, answer = 'Unsubscribed.\n'): Promise<{ url: string; posts: string[]; close(): Promise<void> }> {
  const posts: string[] = [];
  const server: Server = createServer(tls, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url?.startsWith('/unsubscribe/')) posts.push(body);
      if (status >= 300 && status < 400) res.writeHead(status, { location: 'https://login.example/' }).end();
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(answer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A TCP server on a loopback port that misbehaves as `onConnection` says (never answers, greets
 * and hangs up); `close` destroys its connections first, so a client left waiting cannot hold it.
 */
export async function startRawServer(onConnection: (socket: Socket) => void = () => {}): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An SMTP relay on a loopback port: STARTTLS with the test CA's certificate unless `hideSTARTTLS`, TLS from the first byte when `secure`; `auth` users. */
export async function startRelay(
  tls: KeyAndCert,
  opts: { hideSTARTTLS?: boolean; secure?: boolean; auth?: { user: string; pass: string } } = {},
): Promise<{ port: number; close(): Promise<void> }> {
  const options: SMTPServerOptions = {
    key: tls.key,
    cert: tls.cert,
    hideSTARTTLS: opts.hideSTARTTLS ?? false,
    secure: opts.secure ?? false,
    authOptional: !opts.auth,
    logger: false,
    // A check that timed out may leave its connection open: closing waits this long, not 30 s.
    closeTimeout: 500,
    onAuth(auth, _session, done) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) done(null, { user: auth.username });
      else done(new Error('Invalid username or password'));
    },
    onData(stream, _session, done) {
      stream.resume();
      stream.on('end', () => done());
    },
  };
  const server = new SMTPServer(options);
  // A client that refuses the certificate hangs up mid-handshake: that is what the failure tests do.
  server.on('error', () => {});
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface DoctorWorld {
  ca: TestCa;
  dns: DnsServer;
  dkimKey: string;
  serverTls: KeyAndCert;
  site: Awaited<ReturnType<typeof startSite>>;
  redis: PrivateRedisServer;
  relay: Awaited<ReturnType<typeof startRelay>>;
  /** The environment of the good deployment (as `newsletter doctor` reads it). */
  env: Record<string, string>;
  config(over?: Record<string, string>): DoctorConfig;
  close(): Promise<void>;
}

export async function startDoctorWorld(): Promise<DoctorWorld> {
  const ca = createTestCa();
  const dkimKey = newKey();
  const serverTls = ca.leaf(['localhost', '127.0.0.1']);
  const [dns, site, redis, relay] = await Promise.all([
    startDnsServer(goodZone(dkimKey)),
    startSite(serverTls),
    startPrivateRedis(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    startRelay(serverTls),
  ]);
  const env = {
    SECRET,
    MAIL_FROM: `Weekly <weekly@${DOMAIN}>`,
    BOUNCE_ADDRESS: `bounces@bounces.${DOMAIN}`,
    DKIM_DOMAIN: DOMAIN,
    DKIM_SELECTOR: SELECTOR,
    DKIM_PRIVATE_KEY: dkimKey.replace(/\n/g, '\\n'),
    PUBLIC_URL: site.url,
    SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
    SMTP_EHLO: `mail.${DOMAIN}`,
    REDIS_URL: redis.url,
    KEY_PREFIX: '{doctor}',
    LOG_LEVEL: 'silent',
  };
  return {
    ca,
    dns,
    dkimKey,
    serverTls,
    site,
    redis,
    relay,
    env,
    config: (over = {}) => loadConfig({ ...env, ...over }, ['SECRET']),
    async close() {
      await Promise.all([dns.close(), site.close(), redis.stop(), relay.close()]);
      ca.remove();
    },
  };
}
