// POST /webhooks/ses: Amazon SES bounce and complaint notifications, delivered by an SNS HTTPS
// subscription. SNS cannot send our bearer token, so the signature is the authentication: the
// body must parse, come from a topic in SES_TOPIC_ARN, and carry a valid SNS signature (the
// certificate fetched only from an SNS host on amazonaws.com, cached). A signed message dated more
// than an hour ago (SNS never retries longer) or ahead of our clock is refused as a replay (400,
// and a warning line). A subscription confirmation is answered by visiting its SubscribeURL
// (also only on an SNS host). Each SNS MessageId is acted on once (webhook-seen.ts): it counts as
// seen only after its change was applied, so a failure half-way answers 5xx and SNS's retry
// applies the rest; a retry or replay of an applied message changes nothing.
import type { FastifyPluginAsync } from 'fastify';
import { parseSesNotification } from '../../delivery-reports/ses-notification.ts';
import { fetchSnsUrl, isAwsSnsUrl, parseSnsBody, SnsMessageError, snsStaleness, SnsVerifier, type SnsMessage } from '../../delivery-reports/sns-message.ts';
import { claimWebhookMessage } from '../../delivery-reports/webhook-seen.ts';
import { issueOfMessageId, reportDelivery } from '../../use-cases/delivery-report.ts';
import type { AppContext } from '../app-context.ts';
import { HttpInputError } from '../respond.ts';

/** SES notifications quote headers; SNS allows 256 KB. */
const SES_BODY_LIMIT = 300 * 1024;
/** What is kept of the SubscribeURL's answer (only its status matters). */
const VISIT_MAX_BYTES = 64 * 1024;

export interface SesWebhookOptions {
  /** GETs an SNS URL (the signing certificate, the SubscribeURL) and returns its body; default: fetch. */
  snsGet?: (url: string) => Promise<string>;
}

/** A body SNS or SES could not have sent (SnsMessageError) is the client's: `status` with its message. */
async function asClientError<T>(status: number, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SnsMessageError) throw new HttpInputError(status, error.message);
    throw error;
  }
}

export function sesWebhookRoutes(ctx: AppContext, opts: SesWebhookOptions = {}): FastifyPluginAsync {
  const get = opts.snsGet ?? ((url: string) => fetchSnsUrl(url, VISIT_MAX_BYTES, { truncate: true }));
  const verifier = new SnsVerifier(opts.snsGet ? { fetchCertificate: opts.snsGet } : {});
  const topics = new Set(ctx.config.sesTopicArns);

  async function verified(body: unknown): Promise<SnsMessage> {
    const message = await asClientError(400, () => parseSnsBody(body));
    if (!topics.has(message.TopicArn)) throw new HttpInputError(403, `SNS topic ${message.TopicArn.slice(0, 300)} is not in SES_TOPIC_ARN`);
    await asClientError(403, () => verifier.verify(message));
    return message;
  }

  return async (app) => {
    // SNS posts JSON as text/plain; Fastify's own text/plain parser hands us the string.
    app.post('/webhooks/ses', { bodyLimit: SES_BODY_LIMIT }, async (request, reply) => {
      if (topics.size === 0) throw new HttpInputError(404, 'POST /webhooks/ses is off: set SES_TOPIC_ARN to the SNS topic(s) your SES notifications go to');
      const message = await verified(request.body);
      reply.header('cache-control', 'no-store');
      const stale = snsStaleness(message);
      if (stale) {
        request.log.warn(
          { topic: message.TopicArn, messageId: message.MessageId.slice(0, 100), timestamp: message.Timestamp.slice(0, 40) },
          'SES webhook: stale SNS message refused (a replay?)',
        );
        throw new HttpInputError(400, stale);
      }

      const claim = await claimWebhookMessage(ctx.redis, ctx.keys, `sns:${message.MessageId}`);
      if (claim.kind === 'done') return { ok: true, duplicate: true };
      if (claim.kind === 'busy') {
        // Another delivery of it is being applied right now: SNS retries a 5xx; by then it is done (a duplicate) or free again.
        reply.header('retry-after', '30');
        return reply
          .code(503)
          .send({ statusCode: 503, error: 'Service Unavailable', message: 'This SNS message is being applied by another request; retry later.' });
      }
      try {
        if (message.Type === 'SubscriptionConfirmation') {
          if (!message.SubscribeURL || !isAwsSnsUrl(message.SubscribeURL))
            throw new HttpInputError(400, 'SNS subscription confirmation: SubscribeURL must be an https:// URL on sns.<region>.amazonaws.com');
          try {
            await get(message.SubscribeURL);
          } catch (error) {
            // Not seen: SNS retries the confirmation later.
            request.log.warn({ topic: message.TopicArn, reason: (error as Error).message }, 'SNS subscription confirmation failed');
            throw new HttpInputError(502, 'Could not confirm the SNS subscription (SubscribeURL did not answer); SNS will retry.');
          }
          await claim.finish();
          request.log.info({ topic: message.TopicArn }, 'SNS subscription confirmed');
          return { ok: true, subscribed: true };
        }
        if (message.Type === 'UnsubscribeConfirmation') {
          await claim.finish();
          return { ok: true, ignored: 'unsubscribe confirmation' };
        }

        const parsed = await asClientError(400, () => parseSesNotification(message.Message));
        if (parsed.kind === 'ignored') {
          await claim.finish();
          return { ok: true, ignored: parsed.reason };
        }
        const outcomes: string[] = [];
        for (const [index, report] of parsed.reports.entries()) {
          // Applied by an earlier delivery of this message that failed after it: not again.
          const before = claim.applied.get(index);
          if (before !== undefined) {
            outcomes.push(before);
            continue;
          }
          const issueId = issueOfMessageId(report.messageId);
          const outcome = await reportDelivery(ctx.leave, {
            type: report.type,
            email: report.email,
            permanent: report.permanent,
            ...(issueId ? { issueId } : {}),
          });
          await claim.noteApplied(index, outcome.kind);
          outcomes.push(outcome.kind);
          request.log.info({ type: report.type, permanent: report.permanent, outcome: outcome.kind, issueId }, 'SES delivery report');
        }
        await claim.finish();
        return { ok: true, outcomes };
      } catch (error) {
        // Not seen: SNS's retry applies what is left (the lock would lapse on its own after LOCK_MS).
        await claim.release().catch(() => undefined);
        throw error;
      }
    });
  };
}
