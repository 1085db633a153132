// PUBLIC_URL as a mail provider reaches it: https with a certificate chain the default CA store
// trusts and a matching host name, and a one-click unsubscribe endpoint (RFC 8058) that answers
// the provider's POST with 200 itself: providers do not follow a redirect for it.
import { ONE_CLICK_ANSWER } from '../subscribers/one-click.ts';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { isLoopbackHost } from '../config/index.ts';
import { messageOf } from './time-limit.ts';
import { type CheckResult, fail, pass, warn } from './types.ts';

export interface TlsCheckOptions {
  /** Trusted CAs instead of the default store (tests bring their own). */
  ca?: string | Buffer;
  timeoutMs: number;
}

/** Days a certificate has left under which the doctor warns (renewals run at 30). */
const EXPIRY_WARN_DAYS = 14;

export function publicUrlScheme(publicUrl: string): CheckResult {
  const url = new URL(publicUrl);
  if (url.protocol === 'https:') return pass('public-url', `${publicUrl} is https`);
  const fix = 'serve the site over https behind a TLS proxy and set PUBLIC_URL=https://…';
  if (isLoopbackHost(url.hostname)) return warn('public-url', `${publicUrl} is http on this machine: fine for a local run, not for mail readers`, fix);
  return fail('public-url', `${publicUrl} is http: unsubscribe links go in clear text and Gmail and Yahoo require https for one-click`, fix);
}

/** Connects to PUBLIC_URL's host and verifies its certificate chain and name. */
export function tlsCertificate(publicUrl: string, opts: TlsCheckOptions): Promise<CheckResult> {
  const url = new URL(publicUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 443);
  const fix = `install a certificate for ${host} from a public CA (e.g. Let's Encrypt) with its full chain`;
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...(opts.ca ? { ca: opts.ca } : {}), timeout: opts.timeoutMs });
    const done = (result: CheckResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () => {
      const cert: PeerCertificate = socket.getPeerCertificate();
      const daysLeft = Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / 86_400_000);
      if (daysLeft < EXPIRY_WARN_DAYS)
        done(warn('tls-certificate', `the certificate of ${host} expires in ${daysLeft} day(s)`, `renew the certificate of ${host}`));
      else
        done(
          pass('tls-certificate', `${host}:${port} has a valid certificate (issuer ${cert.issuer?.O ?? cert.issuer?.CN ?? 'unknown'}, ${daysLeft} days left)`),
        );
    });
    socket.once('timeout', () => done(fail('tls-certificate', `${host}:${port} did not complete a TLS handshake within ${opts.timeoutMs / 1000} s`, fix)));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(fail('tls-certificate', `${host}:${port}: ${error.code ? `${error.code}: ` : ''}${messageOf(error)}`, fix)),
    );
  });
}

/**
 * POSTs the one-click body to `/unsubscribe/<token>` as a mail provider does; `token` is signed
 * for a subscriber who cannot exist, so the route answers as for anyone and changes nothing.
 */
export function oneClickUnsubscribe(publicUrl: string, token: string, opts: TlsCheckOptions): Promise<CheckResult> {
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}/unsubscribe/${token}`);
  const shown = `${url.origin}/unsubscribe/…`;
  const fix = `make POST ${shown} (body List-Unsubscribe=One-Click) reach \`newsletter serve\` directly and answer 200: no redirect in the proxy`;
  const body = 'List-Unsubscribe=One-Click';
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        ...(opts.ca ? { ca: opts.ca } : {}),
      },
      (res) => {
        const code = res.statusCode ?? 0;
        let answer = '';
        res.setEncoding('utf8');
        // The first bytes are enough to tell our answer from another site's page.
        res.on('data', (chunk: string) => {
          if (answer.length < 256) answer += chunk;
        });
        res.once('error', () => {});
        if (code === 200)
          res.once('end', () =>
            resolve(
              answer.startsWith(ONE_CLICK_ANSWER)
                ? pass('one-click', `POST ${shown} answered 200`)
                : fail(
                    'one-click',
                    `POST ${shown} answered 200, but not as \`newsletter serve\` answers (${JSON.stringify(answer.slice(0, 40))}): PUBLIC_URL seems to reach another site`,
                    fix,
                  ),
            ),
          );
        else if (code >= 300 && code < 400)
          resolve(
            fail('one-click', `POST ${shown} answered ${code}, a redirect to ${res.headers.location ?? '(no Location)'}: providers do not follow it`, fix),
          );
        else resolve(fail('one-click', `POST ${shown} answered ${code}, not 200`, fix));
      },
    );
    // One deadline for the whole exchange, not a socket idle timeout: that one restarts at each
    // stage (a host with two addresses, then the TLS handshake) and took twice the limit.
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${opts.timeoutMs / 1000} s`)), opts.timeoutMs);
    req.once('close', () => clearTimeout(deadline));
    req.once('error', (error) => resolve(fail('one-click', `POST ${shown}: ${messageOf(error)}`, fix)));
    req.end(body);
  });
}

export async function publicUrlChecks(publicUrl: string, token: string, opts: TlsCheckOptions): Promise<CheckResult[]> {
  const scheme = publicUrlScheme(publicUrl);
  // Side by side, each under its own limit: one after the other, a silent server took both
  // limits and the group's outer one cut every line short.
  const [tls, oneClick] = await Promise.all([
    new URL(publicUrl).protocol === 'https:' ? tlsCertificate(publicUrl, opts).then((r) => [r]) : Promise.resolve([]),
    oneClickUnsubscribe(publicUrl, token, opts),
  ]);
  return [scheme, ...tls, oneClick];
}
