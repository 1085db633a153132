// The SMTP relay as the worker uses it: it answers, offers STARTTLS and upgrades with a trusted
// certificate (smtps: is TLS from the first byte), takes the URL's credentials, and we greet it
// with a host name (an IP literal in EHLO is scored as a spam sign).
import { connect, isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { messageOf } from './time-limit.ts';
import { type CheckResult, fail, pass, warn } from './types.ts';

export interface SmtpCheckInput {
  smtpUrl: string;
  ehlo: string;
  /** Trusted CAs instead of the default store (tests bring their own). */
  ca?: string | Buffer;
  timeoutMs: number;
}

/** SMTP_URL with its password masked: it goes into detail lines. */
export function redactSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable SMTP_URL)';
  }
}

export function ehloCheck(ehlo: string): CheckResult {
  const bare = ehlo.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) || /^\[.*\]$/.test(ehlo))
    return fail(
      'smtp-ehlo',
      `EHLO name ${ehlo} is an IP literal: receivers score it as a spam sign`,
      'set SMTP_EHLO to the relay host name of this machine (or unset it: MAIL_FROM’s domain is used)',
    );
  if (!ehlo.includes('.')) return warn('smtp-ehlo', `EHLO name ${ehlo} is not a fully qualified name`, 'set SMTP_EHLO to a name such as mail.example.com');
  return pass('smtp-ehlo', `EHLO name ${ehlo}`);
}

/**
 * The relay's EHLO reply in plain text (greeting, EHLO, QUIT), to see what it offers: nodemailer
 * with requireTLS would try STARTTLS even when it is not offered, and some servers accept it
 * unannounced, which a worker (that only upgrades when offered) would never do.
 */
export function ehloReply(host: string, port: number, name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    let buffer = '';
    let sentEhlo = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // A reply ends with a line "ddd text" (no dash after the code).
      if (!/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffer)) return;
      if (!sentEhlo) {
        sentEhlo = true;
        buffer = '';
        socket.write(`EHLO ${name}\r\n`);
        return;
      }
      socket.end('QUIT\r\n');
      resolve(buffer);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no EHLO reply within ${timeoutMs / 1000} s`)));
    socket.once('error', reject);
    // A relay that greets and hangs up (or never greets) is the finding itself; after a reply this does nothing.
    socket.once('close', () => reject(new Error(sentEhlo ? 'it closed the connection before answering EHLO' : 'it closed the connection before greeting')));
  });
}

export async function smtpChecks(input: SmtpCheckInput): Promise<CheckResult[]> {
  const url = new URL(input.smtpUrl);
  const shown = redactSmtpUrl(input.smtpUrl);
  const implicitTls = url.protocol === 'smtps:';
  const hasAuth = url.username !== '';
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || (implicitTls ? 465 : 587)),
    secure: implicitTls,
    // Without STARTTLS the worker would send in clear text: the doctor insists on it.
    requireTLS: !implicitTls,
    name: input.ehlo,
    ...(hasAuth ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: input.timeoutMs,
    greetingTimeout: input.timeoutMs,
    socketTimeout: input.timeoutMs,
    ...(input.ca ? { tls: { ca: input.ca } } : {}),
  });
  const results: CheckResult[] = [];
  const tlsName = implicitTls ? 'smtp-tls' : 'smtp-starttls';
  if (!implicitTls) {
    const offered = await ehloReply(url.hostname.replace(/^\[(.*)\]$/, '$1'), Number(url.port || 587), input.ehlo, input.timeoutMs).then(
      (reply) => /^250[ -]STARTTLS\b/im.test(reply),
      (error: unknown) => error as Error,
    );
    // No EHLO reply at all: the relay is the finding, said now (a second try would only wait as long again).
    if (offered instanceof Error) {
      transport.close();
      return [
        fail('smtp-connect', `${shown}: ${messageOf(offered)}`, 'make SMTP_URL answer: the relay must greet, answer EHLO and keep the connection'),
        ehloCheck(input.ehlo),
      ];
    }
    if (offered === false) {
      transport.close();
      results.push(pass('smtp-connect', `${shown} answered`));
      results.push(
        fail(
          tlsName,
          `${shown} does not offer STARTTLS: mail would go in clear text`,
          'turn STARTTLS on at the relay with a certificate for its host name, or use smtps://',
        ),
      );
      if (hasAuth) results.push(warn('smtp-auth', 'not tried: no TLS (credentials never go in clear text)', 'fix TLS first'));
      return [...results, ehloCheck(input.ehlo)];
    }
  }
  try {
    await transport.verify();
    results.push(pass('smtp-connect', `${shown} answered`));
    results.push(pass(tlsName, implicitTls ? 'smtps: TLS from the first byte' : 'STARTTLS offered and the upgrade worked'));
    results.push(
      hasAuth ? pass('smtp-auth', 'the URL’s credentials were accepted') : pass('smtp-auth', 'no credentials in SMTP_URL (the relay accepts us without)'),
    );
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const text = messageOf(error).replace(url.password ? decodeURIComponent(url.password) : '\u0000', '***');
    const isTls = e.code === 'ETLS' || /STARTTLS|certificate|self[- ]signed|TLS|SSL/i.test(text);
    if (e.code === 'EAUTH') {
      results.push(pass('smtp-connect', `${shown} answered`), pass(tlsName, 'TLS worked'));
      results.push(
        fail(
          'smtp-auth',
          `the relay refused the credentials in SMTP_URL: ${text}`,
          'fix the user name and password in SMTP_URL (percent-encode special characters)',
        ),
      );
    } else if (isTls) {
      results.push(pass('smtp-connect', `${shown} answered`));
      results.push(
        fail(
          tlsName,
          implicitTls ? `TLS to ${shown} failed: ${text}` : `STARTTLS with ${shown} failed or is not offered: ${text}`,
          implicitTls
            ? 'give the relay a certificate a public CA signed, for its host name'
            : 'turn STARTTLS on at the relay with a certificate for its host name, or use smtps://',
        ),
      );
      if (hasAuth) results.push(warn('smtp-auth', 'not tried: TLS failed first (credentials never go in clear text)', 'fix TLS first'));
    } else {
      results.push(fail('smtp-connect', `cannot talk to ${shown}: ${text}`, 'start the relay or point SMTP_URL at it (host, port, smtp:// or smtps://)'));
    }
  } finally {
    transport.close();
  }
  results.push(ehloCheck(input.ehlo));
  return results;
}
