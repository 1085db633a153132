// Post/redirect/get for the console: a form's handler keeps its outcome (a notice) in the
// session and answers 303 to a GET page, which shows the notice once. Reloading that page, or
// going back and forward, never repeats the action, and shows the page without the notice.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { trusted, type SafeHtml } from '../http/views/html.ts';
import { sessionId } from './console-request.ts';
import type { AdminSessionStore } from '../team/session-store.ts';

export class Flash {
  constructor(private readonly sessions: AdminSessionStore) {}

  /** Keeps `notice` for the next page and redirects there (303: the browser follows with a GET). */
  async redirect(request: FastifyRequest, reply: FastifyReply, location: string, notice?: SafeHtml): Promise<FastifyReply> {
    if (notice) await this.sessions.setFlash(sessionId(request), notice.value);
    return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
  }

  /** The notice a redirect left for this page, once. */
  async take(request: FastifyRequest): Promise<SafeHtml | undefined> {
    const kept = await this.sessions.takeFlash(sessionId(request));
    // Only the console writes it, from HTML it escaped itself (see redirect).
    return kept ? trusted(kept) : undefined;
  }
}
