// One batched request to arXiv's API (ARXIV_API_URL, default https://export.arxiv.org/api/query)
// for every id of a paste: only that host is asked (a redirect elsewhere is refused), the answer
// must come within the timeout and stay under the size cap, and each failure is one sentence.
import { RequestSpacing } from './request-spacing.ts';
import { ArxivError } from './arxiv-error.ts';
import { parseArxivFeed, type ArxivEntry } from './arxiv-atom.ts';
import { formatArxivId, type ArxivId } from './arxiv-id.ts';

export interface ArxivClientOptions {
  /** ARXIV_API_URL: the query endpoint, e.g. https://export.arxiv.org/api/query. */
  apiUrl: string;
  /** For the whole exchange, connection to last byte (ARXIV_TIMEOUT_MS, default 10 s). */
  timeoutMs: number;
  /** The answer's size cap (default 2 MB). */
  maxBytes?: number;
  /** At most one request per this many ms to the API's host, in this process (ARXIV_MIN_INTERVAL_MS, arXiv asks 3 s). */
  minIntervalMs?: number;
}

/** arXiv's terms ask API clients for one request every three seconds. */
export const ARXIV_MIN_INTERVAL_MS = 3_000;
const spacings = new Map<string, RequestSpacing>();

/** The spacing of requests to `host` at `intervalMs` (one per host and interval, shared by the process). */
function spacingFor(host: string, intervalMs: number): RequestSpacing {
  const key = `${host} ${intervalMs}`;
  const known = spacings.get(key);
  if (known) return known;
  const spacing = new RequestSpacing(intervalMs);
  spacings.set(key, spacing);
  return spacing;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
/** arXiv's own cap on max_results is far higher; a paste of more is a mistake, not a digest. */
export const MAX_IDS_PER_REQUEST = 100;

/** Each requested id's paper, or why there is none (not on arXiv, or arXiv's error for it). */
export type ArxivLookup = Map<string, { entry: ArxivEntry } | { reason: string }>;

/** The URL asked for `ids`, checked to be on the configured host. */
export function queryUrl(apiUrl: string, ids: readonly ArxivId[]): URL {
  const base = new URL(apiUrl);
  const url = new URL(base);
  url.searchParams.set('id_list', ids.map(formatArxivId).join(','));
  url.searchParams.set('max_results', String(ids.length));
  assertApiHost(url, base);
  return url;
}

function assertApiHost(url: URL, base: URL): void {
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.host !== base.host || url.protocol !== base.protocol) {
    throw new ArxivError(`refusing to ask ${url.origin}: only ARXIV_API_URL's host (${base.origin}) is asked for papers`);
  }
}

/** Looks every id up in one request; keyed by formatArxivId of the id as asked. */
export async function lookUpArxiv(ids: readonly ArxivId[], opts: ArxivClientOptions): Promise<ArxivLookup> {
  const lookup: ArxivLookup = new Map();
  if (ids.length === 0) return lookup;
  if (ids.length > MAX_IDS_PER_REQUEST) throw new ArxivError(`${ids.length} papers at once is more than ${MAX_IDS_PER_REQUEST}; add them in smaller batches`);
  const url = queryUrl(opts.apiUrl, ids);
  await spacingFor(url.host, opts.minIntervalMs ?? ARXIV_MIN_INTERVAL_MS).turn();
  const xml = await fetchText(url, opts);
  // An error status counts only with arXiv's own error entry in it (its 400 for a malformed id).
  const httpError = new ArxivError(`arXiv answered HTTP ${xml.status}; try again later`);
  let feed: ReturnType<typeof parseArxivFeed>;
  try {
    feed = parseArxivFeed(xml.body);
  } catch (error) {
    throw xml.ok ? error : httpError;
  }
  if (!xml.ok && feed.errors.length === 0) throw httpError;

  for (const ref of ids) {
    const key = formatArxivId(ref);
    const entry = feed.entries.find((e) => e.id === ref.id && (ref.version === undefined || e.version === ref.version));
    if (entry) {
      lookup.set(key, { entry });
      continue;
    }
    const error = feed.errors.find((e) => e.message.includes(key)) ?? feed.errors[0];
    if (error) lookup.set(key, { reason: `arXiv says: ${error.message}` });
    else
      lookup.set(key, {
        reason: ref.version === undefined ? 'not on arXiv (no paper has this id)' : `not on arXiv (no paper has this id, or it has no version ${ref.version})`,
      });
  }
  return lookup;
}

async function fetchText(url: URL, opts: ArxivClientOptions): Promise<{ ok: boolean; status: number; body: string }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const seconds = formatSeconds(opts.timeoutMs);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'manual', headers: { accept: 'application/atom+xml' } });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new ArxivError(
        `arXiv answered with a redirect (HTTP ${response.status}) to ${response.headers.get('location') ?? 'nowhere'}; only ARXIV_API_URL (${url.origin}) is asked: check it`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new ArxivError(`arXiv's answer is larger than ${formatBytes(maxBytes)}; ask for fewer papers at once`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          controller.abort();
          throw new ArxivError(`arXiv's answer is larger than ${formatBytes(maxBytes)}; ask for fewer papers at once`);
        }
        chunks.push(chunk);
      }
    }
    return { ok: response.ok, status: response.status, body: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    if (error instanceof ArxivError) throw error;
    if (controller.signal.aborted) throw new ArxivError(`arXiv did not answer within ${seconds}; try again`);
    const code = (error as { cause?: { code?: string } }).cause?.code;
    throw new ArxivError(`arXiv could not be reached at ${url.host}${code ? ` (${code})` : ''}; try again later`);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : `${bytes} bytes`;
}
