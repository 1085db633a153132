// A local HTTP server that answers like arXiv's query API from test/fixtures/arxiv: the entries of
// the ids in `id_list` wrapped in an Atom feed (an id without a fixture: no entry, as arXiv does
// for a well-formed id it does not have). `respond` replaces the answer (garbage, silence, …).
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ARXIV_FIXTURES = new URL('../fixtures/arxiv/', import.meta.url);

export interface ArxivServer {
  /** The query endpoint, for ARXIV_API_URL. */
  url: string;
  /** Every request's URL (path and query), in order. */
  requests: URL[];
  close(): Promise<void>;
}

export type Responder = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** The feed arXiv would answer for `ids` (entries from the fixtures, in the order asked). */
export function fixtureFeed(ids: string[]): string {
  const entries = ids
    .map((id) => id.replace(/v\d+$/, ''))
    .filter((id) => existsSync(new URL(`${id.replaceAll('/', '_')}.xml`, ARXIV_FIXTURES)))
    .map((id) => readFileSync(new URL(`${id.replaceAll('/', '_')}.xml`, ARXIV_FIXTURES), 'utf8'));
  const query = `search_query=&amp;id_list=${ids.join(',')}&amp;start=0&amp;max_results=${ids.length}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?${encodeURIComponent(query)}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: ${query}</title>
  <id>http://arxiv.org/api/dOFJrsN8d3+cFnIfpOwnz6mWuqI</id>
  <updated>2022-10-25T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${ids.length}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${ids.length}</opensearch:itemsPerPage>
${entries.join('')}</feed>
`;
}

const answerFromFixtures: Responder = (_req, res, url) => {
  const ids = (url.searchParams.get('id_list') ?? '').split(',').filter(Boolean);
  res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
  res.end(fixtureFeed(ids));
};

export async function startArxivServer(respond: Responder = answerFromFixtures): Promise<ArxivServer> {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    respond(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/query`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // A responder that never answers leaves its connection open: end it too.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
