// The doctor's pure readers of SPF, DKIM and DMARC records and its key and domain comparisons.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  aligned,
  dmarcPolicy,
  ipInRange,
  joinTxt,
  mailDomain,
  parseSpf,
  parseTags,
  publicKeyBase64,
  sameDkimKey,
  spfRecords,
} from '../../src/doctor/dns-records.ts';
import { headerFields } from '../../src/doctor/message-check.ts';
import { redactSmtpUrl, ehloCheck } from '../../src/doctor/smtp-checks.ts';
import { publicUrlScheme } from '../../src/doctor/tls-check.ts';

const pem = () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('SPF', () => {
  it('finds the SPF record among TXT records and joins split strings', () => {
    expect(spfRecords(joinTxt([['google-site-verification=x'], ['v=spf1 ip4:192.0.2.0/24 ', 'include:_spf.example.net -all'], ['v=spf10 nope']]))).toEqual([
      'v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all',
    ]);
  });

  it('reads qualifiers, names and values', () => {
    expect(parseSpf('v=spf1 ip4:192.0.2.1 a a:mail.example.com mx/24 ~include:x.example -all redirect=_spf.example')).toEqual([
      { qualifier: '+', name: 'ip4', value: '192.0.2.1' },
      { qualifier: '+', name: 'a', value: '' },
      { qualifier: '+', name: 'a', value: 'mail.example.com' },
      { qualifier: '+', name: 'mx', value: '' },
      { qualifier: '~', name: 'include', value: 'x.example' },
      { qualifier: '-', name: 'all', value: '' },
      { qualifier: '+', name: 'redirect', value: '_spf.example' },
    ]);
  });

  it('matches addresses against ip4/ip6 ranges', () => {
    expect(ipInRange('192.0.2.77', '192.0.2.0/24')).toBe(true);
    expect(ipInRange('192.0.3.1', '192.0.2.0/24')).toBe(false);
    expect(ipInRange('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(ipInRange('2001:db8::5', '2001:db8::/32')).toBe(true);
    expect(ipInRange('192.0.2.1', '2001:db8::/32')).toBe(false);
  });
});

describe('DKIM and DMARC records', () => {
  it('reads tags with spaces and a split key', () => {
    const tags = parseTags('v=DKIM1; k=rsa; p=MIIB AAA\tBBB;');
    expect(tags.get('p')).toBe('MIIBAAABBB');
    expect(tags.get('k')).toBe('rsa');
  });

  it('compares a published p= with the private key’s public half', () => {
    const key = pem();
    const published = publicKeyBase64(key);
    expect(sameDkimKey(`${published.slice(0, 40)} ${published.slice(40)}`, key)).toBe(true);
    expect(sameDkimKey(publicKeyBase64(pem()), key)).toBe(false);
  });

  it('reads the DMARC policy, and nothing from a record that is not DMARC', () => {
    expect(dmarcPolicy('v=DMARC1; p=reject; rua=mailto:d@example.com')).toBe('reject');
    expect(dmarcPolicy('v=DMARC1;p=None')).toBe('none');
    expect(dmarcPolicy('v=spf1 -all')).toBeNull();
  });
});

describe('domains and headers', () => {
  it('aligns a domain with itself and its subdomains only', () => {
    expect(aligned('example.com', 'example.com')).toBe(true);
    expect(aligned('example.com', 'bounces.example.com')).toBe(true);
    expect(aligned('News.Example.com', 'example.com.')).toBe(true);
    expect(aligned('example.com', 'example.net')).toBe(false);
    expect(aligned('example.com', 'notexample.com')).toBe(false);
  });

  it('takes the domain of a From value', () => {
    expect(mailDomain('"Weekly" <News@Example.COM>')).toBe('example.com');
    expect(mailDomain('b@bounce.example.com')).toBe('bounce.example.com');
  });

  it('unfolds header fields', () => {
    expect(headerFields('A: one\r\n two\r\nB-C: three\r\n\r\nbody')).toEqual([
      { name: 'a', value: 'one two' },
      { name: 'b-c', value: 'three' },
    ]);
  });

  it('masks the SMTP password and refuses an IP literal in EHLO', () => {
    expect(redactSmtpUrl('smtp://user:s3cret@mail.example.com:587')).toBe('smtp://user:***@mail.example.com:587');
    expect(ehloCheck('192.0.2.1').status).toBe('fail');
    expect(ehloCheck('[192.0.2.1]').status).toBe('fail');
    expect(ehloCheck('mail.example.com').status).toBe('pass');
  });

  it('fails http, warns for http on this machine', () => {
    expect(publicUrlScheme('https://news.example.com').status).toBe('pass');
    expect(publicUrlScheme('http://news.example.com').status).toBe('fail');
    expect(publicUrlScheme('http://127.0.0.1:3000').status).toBe('warn');
  });
});
