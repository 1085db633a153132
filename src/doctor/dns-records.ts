// Pure readers of the DNS records a sender publishes (SPF, DKIM, DMARC) and the comparisons the
// doctor makes on them; no lookups here, so each is tested on its own (test/unit/doctor-dns.test.ts).
import { createPublicKey } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** A TXT answer's records, each one's strings joined (a long record is split in 255-byte strings). */
export function joinTxt(answer: string[][]): string[] {
  return answer.map((strings) => strings.join(''));
}

/** The SPF records among a name's TXT records (`v=spf1` and nothing else before a space). */
export function spfRecords(txt: string[]): string[] {
  return txt.filter((r) => /^v=spf1(\s|$)/i.test(r.trim()));
}

export interface SpfTerm {
  /** `+` (pass, the default), `-`, `~` or `?`. */
  qualifier: string;
  /** Lower case: `ip4`, `ip6`, `a`, `mx`, `include`, `all`, `redirect`… */
  name: string;
  /** What follows `:` or `=`; empty when none. */
  value: string;
}

export function parseSpf(record: string): SpfTerm[] {
  return record
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((term) => {
      const qualifier = /^[+\-~?]/.test(term) ? term[0]! : '+';
      const body = qualifier === term[0] ? term.slice(1) : term;
      const at = body.search(/[:=/]/);
      const name = (at < 0 ? body : body.slice(0, at)).toLowerCase();
      const value = at < 0 || body[at] === '/' ? '' : body.slice(at + 1);
      return { qualifier, name, value };
    });
}

/** Whether `ip` is inside an `ip4:`/`ip6:` value (`192.0.2.0/24`, `2001:db8::1`). */
export function ipInRange(ip: string, range: string): boolean {
  const family = isIP(ip);
  const [base = '', bits] = range.split('/');
  if (family === 0 || isIP(base) !== family) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (bits === undefined) list.addAddress(base, type);
  else list.addSubnet(base, Number(bits), type);
  return list.check(ip, type);
}

/** `d=…; p=…` tag lists (DKIM key records, DMARC records), names lower-cased, whitespace dropped. */
export function parseTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** The base64 SubjectPublicKeyInfo of a private key's public half: what a DKIM record's p= holds. */
export function publicKeyBase64(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Whether a DKIM record's p= is the same key (whitespace inside p= does not count). */
export function sameDkimKey(recordP: string, privateKeyPem: string): boolean {
  return recordP.replace(/\s+/g, '') === publicKeyBase64(privateKeyPem);
}

/**
 * Relaxed alignment as far as the doctor can tell without the public suffix list: the same
 * domain, or one a subdomain of the other, is aligned (`news.example.com` with `example.com`).
 */
export function aligned(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, '');
  const y = b.toLowerCase().replace(/\.$/, '');
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** The domain of `Name <a@b>` or `a@b`, lower case. */
export function mailDomain(address: string): string {
  const bare = /<([^<>]+)>\s*$/.exec(address)?.[1] ?? address;
  return bare
    .slice(bare.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
}

/** A DMARC record's policy, or null when the record is not DMARC. */
export function dmarcPolicy(record: string): string | null {
  if (!/^v\s*=\s*DMARC1\s*(;|$)/i.test(record.trim())) return null;
  return parseTags(record).get('p')?.toLowerCase() ?? '';
}
