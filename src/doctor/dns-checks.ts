// DNS as a receiving server reads it for our mail: SPF of MAIL_FROM's domain (and whether it
// names the SMTP relay), the DKIM key record against our private key, DMARC, alignment of the
// three domains a receiver compares, and a bounce domain that can receive mail.
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { aligned, dmarcPolicy, ipInRange, joinTxt, mailDomain, parseSpf, parseTags, sameDkimKey, spfRecords, type SpfTerm } from './dns-records.ts';
import { messageOf } from './time-limit.ts';
import { type CheckResult, fail, pass, warn } from './types.ts';

/** What the checks ask of DNS: node's Resolver fits, pointed at any server. */
export type DnsLookup = Pick<dns.Resolver, 'resolveTxt' | 'resolve4' | 'resolve6' | 'resolveMx'>;

/**
 * A resolver with a short timeout and one try; `server` (`host:port`, DOCTOR_DNS_SERVER) asks
 * that server instead of the system's (tests run their own).
 */
export function doctorResolver(server?: string, timeoutMs = 2_000): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  if (server) resolver.setServers([server]);
  return resolver;
}

export interface DnsCheckInput {
  /** MAIL_FROM as configured. */
  mailFrom: string;
  bounceAddress?: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  smtpUrl: string;
}

/** TXT records of `name`; none (not an error) when the name or the type does not exist. */
async function txt(resolver: DnsLookup, name: string): Promise<string[]> {
  try {
    return joinTxt(await resolver.resolveTxt(name));
  } catch (error) {
    if (isAbsent(error)) return [];
    throw error;
  }
}

const isAbsent = (error: unknown) => ['ENOTFOUND', 'ENODATA'].includes((error as NodeJS.ErrnoException).code ?? '');

async function addresses(resolver: DnsLookup, host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  const found = await Promise.all([resolver.resolve4(host).catch(() => []), resolver.resolve6(host).catch(() => [])]);
  return found.flat();
}

type Verdict = 'yes' | 'no' | 'unknown';

/** Whether the SPF terms let `ips` send, following include/redirect a few levels (best effort). */
async function spfAllows(resolver: DnsLookup, domain: string, terms: SpfTerm[], ips: string[], depth: number): Promise<Verdict> {
  let unknown = false;
  for (const term of terms) {
    if (term.qualifier !== '+') continue;
    let verdict: Verdict = 'no';
    try {
      if (term.name === 'ip4' || term.name === 'ip6') verdict = ips.some((ip) => ipInRange(ip, term.value)) ? 'yes' : 'no';
      else if (term.name === 'a') verdict = (await addresses(resolver, term.value || domain)).some((a) => ips.includes(a)) ? 'yes' : 'no';
      else if (term.name === 'mx') {
        const hosts = (await resolver.resolveMx(term.value || domain)).map((mx) => mx.exchange);
        verdict = (await Promise.all(hosts.map((h) => addresses(resolver, h)))).flat().some((a) => ips.includes(a)) ? 'yes' : 'no';
      } else if ((term.name === 'include' || term.name === 'redirect') && depth < 3) {
        const inner = spfRecords(await txt(resolver, term.value))[0];
        verdict = inner ? await spfAllows(resolver, term.value, parseSpf(inner), ips, depth + 1) : 'no';
      } else if (term.name !== 'all') verdict = 'unknown';
    } catch {
      verdict = 'unknown';
    }
    if (verdict === 'yes') return 'yes';
    if (verdict === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : 'no';
}

async function spfChecks(resolver: DnsLookup, domain: string, smtpUrl: string): Promise<CheckResult[]> {
  const records = spfRecords(await txt(resolver, domain));
  const fixSpf = `publish one TXT record at ${domain} such as "v=spf1 ip4:<your relay's address> -all" (or your provider's include:)`;
  if (!records.length) return [fail('spf', `no SPF record (TXT "v=spf1 …") at ${domain}`, fixSpf)];
  if (records.length > 1)
    return [fail('spf', `${records.length} SPF records at ${domain}: receivers treat that as an error`, `merge them into one TXT record at ${domain}`)];
  const record = records[0]!;
  // "+all" (or a bare "all") lets any server on the internet send as the domain: SPF then proves nothing.
  if (parseSpf(record).some((term) => term.name === 'all' && term.qualifier === '+'))
    return [
      fail(
        'spf',
        `${domain}: ${record} ends in +all, which lets any server send as ${domain}`,
        `end the record with -all (or ~all) after the relay's ip4:/include:`,
      ),
    ];
  const results = [pass('spf', `${domain}: ${record}`)];
  const relayHost = new URL(smtpUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  const ips = await addresses(resolver, relayHost).catch(() => []);
  const fixRelay = `add the relay ${relayHost} to the SPF record of ${domain} (ip4:/ip6: its address, or its provider's include:)`;
  if (!ips.length) results.push(warn('spf-relay', `cannot tell whether SPF names the relay: ${relayHost} does not resolve here`, fixRelay));
  else {
    const verdict = await spfAllows(resolver, domain, parseSpf(record), ips, 0);
    if (verdict === 'yes') results.push(pass('spf-relay', `SPF of ${domain} names the relay ${relayHost} (${ips.join(', ')})`));
    else if (verdict === 'no') results.push(fail('spf-relay', `SPF of ${domain} does not name the relay ${relayHost} (${ips.join(', ')})`, fixRelay));
    else results.push(warn('spf-relay', `cannot tell whether SPF of ${domain} names the relay ${relayHost} (exists:, ptr: or a lookup failed)`, fixRelay));
  }
  return results;
}

async function dkimCheck(resolver: DnsLookup, dkim: DnsCheckInput['dkim']): Promise<CheckResult> {
  if (!dkim)
    return fail(
      'dkim-key',
      'DKIM is not configured: messages go out unsigned',
      'set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY (openssl genrsa 2048) and publish the public key',
    );
  const name = `${dkim.keySelector}._domainkey.${dkim.domainName}`;
  const publish = `publish TXT "v=DKIM1; k=rsa; p=<base64 of the public key>" at ${name} (openssl rsa -in key.pem -pubout -outform der | base64 -w0)`;
  const records = (await txt(resolver, name)).filter((r) => parseTags(r).has('p'));
  if (!records.length) return fail('dkim-key', `no DKIM key record (TXT with p=) at ${name}`, publish);
  const p = parseTags(records[0]!).get('p') ?? '';
  if (!p) return fail('dkim-key', `the DKIM record at ${name} has an empty p=: the key is revoked`, publish);
  if (!sameDkimKey(p, dkim.privateKey))
    return fail(
      'dkim-key',
      `the public key at ${name} is not the one of DKIM_PRIVATE_KEY: every signature fails`,
      `replace p= at ${name} with the public key of DKIM_PRIVATE_KEY, or set the private key that matches it`,
    );
  return pass('dkim-key', `${name} holds the public key of DKIM_PRIVATE_KEY`);
}

async function dmarcCheck(resolver: DnsLookup, domain: string): Promise<CheckResult> {
  const fix = `publish TXT "v=DMARC1; p=none; rua=mailto:dmarc@${domain}" at _dmarc.${domain} (then quarantine or reject once reports are clean)`;
  // A subdomain without its own record falls under its parent's (a best-effort organisational domain).
  const names = [`_dmarc.${domain}`];
  const labels = domain.split('.');
  if (labels.length > 2) names.push(`_dmarc.${labels.slice(-2).join('.')}`);
  for (const name of names) {
    const policies = (await txt(resolver, name)).map(dmarcPolicy).filter((p): p is string => p !== null);
    if (!policies.length) continue;
    // RFC 7489 6.6.3: more than one record at the name and receivers apply no policy at all.
    if (policies.length > 1)
      return fail('dmarc', `${name} has ${policies.length} DMARC records: receivers apply none of them`, `keep one TXT "v=DMARC1; …" record at ${name}`);
    const policy = policies[0]!;
    if (policy === 'none') return pass('dmarc', `${name}: p=none (reports only: receivers act on nothing)`);
    if (policy === 'quarantine' || policy === 'reject') return pass('dmarc', `${name}: p=${policy}`);
    return fail('dmarc', `${name} has no valid p= (found ${JSON.stringify(policy)})`, fix);
  }
  return fail('dmarc', `no DMARC record at _dmarc.${domain}`, fix);
}

function alignmentCheck(fromDomain: string, dkimDomain: string | undefined, returnPathDomain: string): CheckResult {
  const dkimOk = dkimDomain !== undefined && aligned(fromDomain, dkimDomain);
  const spfOk = aligned(fromDomain, returnPathDomain);
  const detail = `From ${fromDomain}, DKIM d=${dkimDomain ?? '(none)'}, return path ${returnPathDomain}`;
  if (dkimOk && spfOk) return pass('alignment', `${detail}: aligned`);
  const fix = `use ${fromDomain} (or a subdomain of it) for ${[dkimOk ? '' : 'DKIM_DOMAIN', spfOk ? '' : 'BOUNCE_ADDRESS'].filter(Boolean).join(' and ')}`;
  if (dkimOk || spfOk)
    return warn('alignment', `${detail}: only ${dkimOk ? 'DKIM' : 'SPF'} aligns (DMARC passes on one, but a forwarded message keeps only DKIM)`, fix);
  return fail('alignment', `${detail}: neither DKIM nor the return path aligns with From, so DMARC fails`, fix);
}

async function bounceDomainCheck(resolver: DnsLookup, domain: string): Promise<CheckResult> {
  // Only "no such record" counts as absent: a lookup that failed says nothing about the domain.
  const orNone = <T>(error: unknown): T[] => {
    if (isAbsent(error)) return [];
    throw error;
  };
  const mx = await resolver.resolveMx(domain).catch(orNone<{ exchange: string }>);
  // RFC 7505's null MX ("MX 0 ."): the domain says it accepts no mail at all.
  if (mx.length && mx.every((m) => m.exchange === '' || m.exchange === '.'))
    return fail(
      'bounce-domain',
      `${domain} publishes a null MX (MX 0 .): it accepts no mail, so bounces to it are lost`,
      `replace the null MX of ${domain} with the MX of the mailbox that reads bounces`,
    );
  if (mx.length) return pass('bounce-domain', `${domain} has MX ${mx.map((m) => m.exchange).join(', ')}`);
  const a = [...(await resolver.resolve4(domain).catch(orNone<string>)), ...(await resolver.resolve6(domain).catch(orNone<string>))];
  if (a.length) return pass('bounce-domain', `${domain} has no MX but an address (${a.join(', ')}): mail goes there`);
  return fail(
    'bounce-domain',
    `${domain} has neither MX nor A/AAAA: bounces cannot reach us and some receivers refuse the sender`,
    `publish an MX record for ${domain}`,
  );
}

export async function dnsChecks(resolver: DnsLookup, input: DnsCheckInput): Promise<CheckResult[]> {
  const fromDomain = mailDomain(input.mailFrom);
  const bounceDomain = input.bounceAddress ? mailDomain(input.bounceAddress) : fromDomain;
  const guard = async (check: string, run: () => Promise<CheckResult[]>): Promise<CheckResult[]> =>
    run().catch((error: unknown) => [
      fail(check, `DNS lookup failed: ${messageOf(error)}`, 'check that this machine can resolve names (or DOCTOR_DNS_SERVER)'),
    ]);
  const [spf, dkim, dmarc, bounce] = await Promise.all([
    guard('spf', () => spfChecks(resolver, fromDomain, input.smtpUrl)),
    guard('dkim-key', async () => [await dkimCheck(resolver, input.dkim)]),
    guard('dmarc', async () => [await dmarcCheck(resolver, fromDomain)]),
    guard('bounce-domain', async () => [await bounceDomainCheck(resolver, bounceDomain)]),
  ]);
  return [...spf, ...dkim, ...dmarc, alignmentCheck(fromDomain, input.dkim?.domainName, bounceDomain), ...bounce];
}
