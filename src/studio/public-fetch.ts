// Fetching a URL an editor typed (a feed), from the server, without letting it reach what only
// the server can reach. The URL must be http(s) without credentials; its host is resolved here
// and every address it resolves to must be public unicast (loopback, private, link-local, the
// cloud metadata address 169.254.169.254, multicast and the rest are refused), and the request
// connects to the address that was checked (a second lookup could answer differently). Each
// redirect is checked the same way. A time limit and a size cap bound the whole exchange; every
// failure is one sentence. Hosts an operator lists (FEED_ALLOW_HOSTS) may be private: an
// intranet's feed, or a test's local server.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { UserError } from '../errors.ts';

export class PublicFetchError extends UserError {
  override name = 'PublicFetchError';
}

export interface PublicFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  /** Host names (as in the URL) allowed to resolve to non-public addresses. */
  allowHosts?: readonly string[];
  accept?: string;
  /** The resolver (tests give their own); default: the system's, every address. */
  resolve?: (host: string) => Promise<Array<{ address: string; family: number }>>;
}

export interface Fetched {
  url: URL;
  status: number;
  contentType: string;
  body: string;
}

const systemResolve = (host: string) => lookup(host, { all: true, verbatim: true });

/** Why an address may not be fetched, or null when it is public unicast. */
export function nonPublic(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  return range === 'unicast' ? null : `a ${range} address`;
}

export async function fetchPublic(raw: string, opts: PublicFetchOptions): Promise<Fetched> {
  const deadline = Date.now() + opts.timeoutMs;
  let url = parseUrl(raw);
  for (let hop = 0; ; hop++) {
    const answer = await fetchOnce(url, opts, deadline);
    if ('location' in answer) {
      if (hop >= (opts.maxRedirects ?? 3))
        throw new PublicFetchError(`${url.host} redirected more than ${opts.maxRedirects ?? 3} times; give the final address`);
      url = parseUrl(new URL(answer.location, url).href);
      continue;
    }
    return answer;
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new PublicFetchError(`"${raw.trim().slice(0, 200)}" is not a URL; give one such as https://example.com/feed.xml`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PublicFetchError(`${url.protocol} URLs are not fetched; give an http(s) URL`);
  if (url.username || url.password) throw new PublicFetchError('a URL with a user name or password is not fetched; give the public address');
  return url;
}

/** The address to connect to: the host's, checked to be public (or the host allowed). */
async function checkedAddress(url: URL, opts: PublicFetchOptions): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await (opts.resolve ?? systemResolve)(host);
    } catch (error) {
      throw new PublicFetchError(`${host} could not be found (${(error as NodeJS.ErrnoException).code ?? 'no address'}); check the URL`);
    }
  }
  if (addresses.length === 0) throw new PublicFetchError(`${host} could not be found (no address); check the URL`);
  if (!opts.allowHosts?.includes(host)) {
    for (const a of addresses) {
      const why = nonPublic(a.address);
      if (why) throw new PublicFetchError(`refusing ${host}: it resolves to ${a.address}, ${why}, which the server does not fetch`);
    }
  }
  return addresses[0]!;
}

async function fetchOnce(url: URL, opts: PublicFetchOptions, deadline: number): Promise<Fetched | { location: string }> {
  const target = await checkedAddress(url, opts);
  const seconds = `${Math.round(opts.timeoutMs / 1000)} s`;
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new PublicFetchError(`${url.host} did not answer within ${seconds}; try again`);
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (error: PublicFetchError) => {
      request.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new PublicFetchError(`${url.host} did not answer within ${seconds}; try again`)), remaining);
    const request = client.get(url, { lookup: pinned, headers: { accept: opts.accept ?? '*/*', 'user-agent': 'newsletter-studio' } }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        clearTimeout(timer);
        response.resume();
        resolve({ location });
        return;
      }
      if (status < 200 || status >= 300) {
        clearTimeout(timer);
        response.resume();
        reject(new PublicFetchError(`${url.host} answered HTTP ${status} for ${url.pathname}; check the URL`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) {
          clearTimeout(timer);
          fail(new PublicFetchError(`${url.host}'s answer is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB; give a smaller feed`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ url, status, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', () => {
        clearTimeout(timer);
        reject(new PublicFetchError(`${url.host} broke off its answer; try again`));
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error instanceof PublicFetchError ? error : new PublicFetchError(`${url.host} could not be reached (${error.code ?? error.message}); try again later`),
      );
    });
  });
}
