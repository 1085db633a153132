// A browser's part in the console tests, over Fastify inject: a cookie jar (set-cookie in,
// cookie out), urlencoded form posts, and the CSRF token read from the last page's forms.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  lastCsrf = '';

  /** `remoteAddress`: the client's address as the server sees it (per-address rate limits); 127.0.0.1 by default. */
  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const gone = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now()) || c.value === '';
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (token) this.lastCsrf = token[1]!;
    return res;
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, headers: { ...this.cookieHeader(), ...headers } }));
  }

  /** A form post; `_csrf` is the last page's token unless the fields give their own (or null: none). */
  async post(url: string, fields: Record<string, string | null> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    const withToken = { _csrf: this.lastCsrf, ...fields };
    for (const [k, v] of Object.entries(withToken)) if (v !== null) body.set(k, v);
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: { ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  /**
   * A form post as a browser sends it, following the post/redirect/get answer: the POST must
   * answer 303, and the page it names is fetched. Returns that page, with the POST's answer.
   */
  async submit(url: string, fields: Record<string, string | null> = {}): Promise<LightMyRequestResponse & { posted: LightMyRequestResponse }> {
    const posted = await this.post(url, fields);
    if (posted.statusCode !== 303) throw new Error(`POST ${url} answered ${posted.statusCode}, not 303 (post/redirect/get): ${posted.body.slice(0, 300)}`);
    const page = await this.get(String(posted.headers.location));
    return Object.assign(page, { posted });
  }

  /** A multipart form post with files, as a browser sends a form with enctype="multipart/form-data" (no redirect followed). */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    files: Array<{ name: string; fileName: string; type: string; data: Buffer }> = [],
  ): Promise<LightMyRequestResponse> {
    const boundary = '----nl-console-client-3fa9';
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries({ _csrf: this.lastCsrf, ...fields })) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    for (const f of files) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.fileName}"\r\nContent-Type: ${f.type}\r\n\r\n`));
      parts.push(f.data, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: { ...this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      }),
    );
  }

  async login(token: string): Promise<LightMyRequestResponse> {
    await this.get('/admin/login');
    return this.post('/admin/login', { token });
  }
}
