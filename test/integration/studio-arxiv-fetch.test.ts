// Looking papers up on arXiv (src/studio/arxiv-client.ts) against a local server that answers as
// arXiv does: one request for the whole batch, and each way it can go wrong in one sentence.
// Tests wait for answers and errors, never for time (the timeout is the client's own, set short).
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.ts';
import { freePort } from '../../src/dev/free-port.ts';
import { ArxivError } from '../../src/studio/arxiv-error.ts';
import { lookUpArxiv } from '../../src/studio/arxiv-client.ts';
import { ARXIV_FIXTURES, fixtureFeed, startArxivServer, type ArxivServer } from '../helpers/arxiv-server.ts';

let server: ArxivServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ids = [{ id: '2210.13463' }, { id: '2210.11610', version: 2 }, { id: '2210.99999' }];

describe('arXiv lookup', () => {
  it('asks once for every id and gives each its paper, or says it is not on arXiv', async () => {
    server = await startArxivServer();
    const lookup = await lookUpArxiv(ids, { apiUrl: server.url, timeoutMs: 10_000, minIntervalMs: 0 });
    expect(server.requests.map((u) => `${u.pathname}${u.search}`)).toEqual(['/api/query?id_list=2210.13463%2C2210.11610v2%2C2210.99999&max_results=3']);
    expect(lookup.get('2210.13463')).toMatchObject({
      entry: {
        id: '2210.13463',
        title: expect.stringMatching(/^Adversarial Pretraining of Self-Supervised Deep Networks: Past, Present and Future$/),
        primaryCategory: 'cs.CV',
      },
    });
    expect(lookup.get('2210.11610v2')).toMatchObject({
      entry: { id: '2210.11610', version: 2, authors: expect.arrayContaining([{ name: 'Jiaxin Huang', affiliations: [] }]) },
    });
    expect(lookup.get('2210.99999')).toEqual({ reason: 'not on arXiv (no paper has this id)' });
  });

  it("passes arXiv's error entry on (its 400 answer to a malformed id)", async () => {
    server = await startArxivServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/atom+xml' });
      res.end(readFileSync(new URL('error-entry.xml', ARXIV_FIXTURES)));
    });
    const lookup = await lookUpArxiv([{ id: '2210.13463' }], { apiUrl: server.url, timeoutMs: 10_000, minIntervalMs: 0 });
    expect(lookup.get('2210.13463')).toEqual({ reason: 'arXiv says: incorrect id format for 2210.1346' });
  });

  it('says so when arXiv cannot be reached (connection refused)', async () => {
    const port = await freePort();
    await expect(lookUpArxiv(ids, { apiUrl: `http://127.0.0.1:${port}/api/query`, timeoutMs: 10_000, minIntervalMs: 0 })).rejects.toThrow(
      new ArxivError(`arXiv could not be reached at 127.0.0.1:${port} (ECONNREFUSED); try again later`),
    );
  });

  it('gives up after the timeout when arXiv never answers, and leaves no connection open', async () => {
    let closed: Promise<unknown> | undefined;
    server = await startArxivServer((req) => {
      closed = once(req.socket, 'close');
    });
    await expect(lookUpArxiv(ids, { apiUrl: server.url, timeoutMs: 200, minIntervalMs: 0 })).rejects.toThrow(
      new ArxivError('arXiv did not answer within 200 ms; try again'),
    );
    await closed;
  });

  it('gives up after the timeout when the answer starts and then stalls', async () => {
    server = await startArxivServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      res.write('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">');
    });
    await expect(lookUpArxiv(ids, { apiUrl: server.url, timeoutMs: 200, minIntervalMs: 0 })).rejects.toThrow(
      new ArxivError('arXiv did not answer within 200 ms; try again'),
    );
  });

  it('refuses garbage, an error status without a feed, an answer over the size cap, and a redirect elsewhere', async () => {
    const cases: Array<[(res: import('node:http').ServerResponse) => void, string | RegExp, number?]> = [
      [(res) => res.end('<html><body>Service Unavailable</body></html>'), 'arXiv answered XML that is not its Atom feed (no <feed>); try again later'],
      [(res) => res.end('\u0000\u0001garbage{'), 'arXiv answered something that is not XML; try again later'],
      [
        (res) => {
          res.writeHead(503);
          res.end('<feed xmlns="http://www.w3.org/2005/Atom"></feed>');
        },
        'arXiv answered HTTP 503; try again later',
      ],
      [
        (res) => {
          res.writeHead(503);
          res.end('<html><body>Service Unavailable</body></html>');
        },
        'arXiv answered HTTP 503; try again later',
      ],
      [(res) => res.end(fixtureFeed(['2210.13463', '2210.14803'])), "arXiv's answer is larger than 1000 bytes; ask for fewer papers at once", 1000],
      [
        (res) => {
          res.writeHead(200, { 'content-length': String(3 * 1024 * 1024) });
          res.flushHeaders();
        },
        "arXiv's answer is larger than 2 MB; ask for fewer papers at once",
      ],
      [
        (res) => {
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
          res.end();
        },
        /^arXiv answered with a redirect \(HTTP 302\) to http:\/\/169\.254\.169\.254\/latest\/meta-data; only ARXIV_API_URL \(http:\/\/127\.0\.0\.1:\d+\) is asked: check it$/,
      ],
    ];
    for (const [respond, message, maxBytes] of cases) {
      const one = await startArxivServer((_req, res) => respond(res));
      try {
        const error = await lookUpArxiv(ids, { apiUrl: one.url, timeoutMs: 10_000, maxBytes, minIntervalMs: 0 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ArxivError);
        if (typeof message === 'string') expect((error as Error).message).toBe(message);
        else expect((error as Error).message).toMatch(message);
        expect(one.requests).toHaveLength(1);
      } finally {
        await one.close();
      }
    }
  });

  it('asks nothing for an empty batch, and refuses a batch over 100 ids before asking', async () => {
    server = await startArxivServer();
    expect((await lookUpArxiv([], { apiUrl: server.url, timeoutMs: 10_000, minIntervalMs: 0 })).size).toBe(0);
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `2210.${String(10_000 + i)}` }));
    await expect(lookUpArxiv(many, { apiUrl: server.url, timeoutMs: 10_000, minIntervalMs: 0 })).rejects.toThrow(
      '101 papers at once is more than 100; add them in smaller batches',
    );
    expect(server.requests).toEqual([]);
  });
});

describe('ARXIV_API_URL and ARXIV_TIMEOUT_MS', () => {
  it("default to arXiv's export API and 10 s; anything but an http(s) URL or a positive number of ms is named", () => {
    expect(loadConfig({})).toMatchObject({ arxivApiUrl: 'https://export.arxiv.org/api/query', arxivTimeoutMs: 10_000 });
    expect(loadConfig({ ARXIV_API_URL: 'http://127.0.0.1:8080/api/query', ARXIV_TIMEOUT_MS: '250' })).toMatchObject({
      arxivApiUrl: 'http://127.0.0.1:8080/api/query',
      arxivTimeoutMs: 250,
    });
    expect(() => loadConfig({ ARXIV_API_URL: 'ftp://export.arxiv.org/api/query', ARXIV_TIMEOUT_MS: '0' })).toThrow(
      /ARXIV_API_URL: must be a URL starting with http: or https:\/\/[\s\S]*ARXIV_TIMEOUT_MS: /,
    );
  });
});
