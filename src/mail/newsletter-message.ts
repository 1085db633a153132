// The per-recipient parts of a newsletter message and their header forms (docs/standards.md, List headers):
//   Message-ID: <issue.subscriber.TAG@domain>         deterministic, so logs can be matched; TAG carries a MAC (message-id.ts)
//   List-Id: "Name" <listId.domain>
//   List-Unsubscribe: <https://PUBLIC_URL/unsubscribe/TOKEN>, <mailto:unsubscribe+TOKEN@domain?subject=unsubscribe>
//   List-Unsubscribe-Post: List-Unsubscribe=One-Click
// Both send paths (nodemailer's composer via buildNewsletterMessage, and the per-issue fast
// path in issue-mime.ts) take their values from here. Every value is checked before it can
// reach a header: a bad one throws HeaderValueError and no message is built.
import { quoteString } from './nodemailer-internals.ts';
import { personalise } from '../render/personalise.ts';
import type { RenderedIssue, TokenName, TokenValues } from '../render/types.ts';
import { HeaderValueError, assertHeaderSafe } from './header-value-error.ts';
import { messageIdTag } from './message-id.ts';
import type { MailableIssue, MimeRecipient, OutgoingMessage } from './types.ts';

export const LIST_UNSUBSCRIBE_POST = 'List-Unsubscribe=One-Click';

// dot-atom-text (RFC 5322 3.2.3): what a Message-ID's left part and a List-Id label may hold.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`);
/** Signed list tokens are base64url, possibly with dots: safe in a URL path and a mailto local part. */
const TOKEN = /^[A-Za-z0-9_~-]+(?:\.[A-Za-z0-9_~-]+)*$/;
/** An addr-spec without quoting: no whitespace, controls or specials, one @ (non-ASCII allowed, RFC 6532). */
const ADDRESS = /^[^\s\u0000-\u001f\u007f<>()[\]\\,;:"@]+@[^\s\u0000-\u001f\u007f<>()[\]\\,;:"@]+$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The bare address of a From value such as `"预训练周刊" <weekly@example.com>`. */
export function addressOf(from: string): string {
  assertHeaderSafe('From', from);
  const address = (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim();
  return checkedAddress('From', address);
}

/** The (lower-case) domain of an address: Message-IDs, List-Id and the mailto live under it. */
export function domainOf(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!DOMAIN.test(domain)) throw new HeaderValueError('From', `domain ${JSON.stringify(domain)} is not an ASCII host name (use its punycode form)`);
  return domain;
}

export function checkedAddress(header: string, address: string): string {
  if (address.length > 254 || !ADDRESS.test(address)) throw new HeaderValueError(header, `not a plain address: ${JSON.stringify(address.slice(0, 80))}`);
  return address;
}

/** PUBLIC_URL without its trailing slash; throws unless it is an http(s) URL without spaces or brackets. */
export function checkedPublicUrl(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new HeaderValueError('List-Unsubscribe', `PUBLIC_URL ${JSON.stringify(publicUrl)} is not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || /[\s<>"\u0000-\u001f\u007f]/.test(publicUrl)) {
    throw new HeaderValueError('List-Unsubscribe', `PUBLIC_URL ${JSON.stringify(publicUrl)} must be an http(s) URL without spaces or brackets`);
  }
  return publicUrl.replace(/\/+$/, '');
}

/**
 * `<issue.subscriber.TAG@domain>`: the same recipient and content always give the same id. With
 * `secrets` TAG carries a MAC, so a report quoting the id proves which message it is about
 * (message-id.ts); the worker always signs.
 */
export function newsletterMessageId(
  issueId: string,
  subscriberId: string,
  contentHash: string,
  domain: string,
  secrets?: ReadonlyArray<{ version: number; key: string }>,
): string {
  for (const [what, value] of [
    ['issue id', issueId],
    ['subscriber id', subscriberId],
  ] as const) {
    if (!DOT_ATOM.test(value)) throw new HeaderValueError('Message-ID', `${what} ${JSON.stringify(value.slice(0, 80))} is not dot-atom text`);
  }
  return `<${issueId}.${subscriberId}.${messageIdTag(issueId, subscriberId, contentHash, secrets)}@${domain}>`;
}

/** The List-Id identifier `listId.domain`. */
export function listIdentifier(listId: string, domain: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(listId)) throw new HeaderValueError('List-Id', `list id ${JSON.stringify(listId)} must be letters, digits and dashes`);
  return `${listId}.${domain}`;
}

export interface NewsletterLinks {
  unsubscribeUrl: string;
  /** The subscriber's preferences page: the same signed token. */
  preferencesUrl: string;
  unsubscribeMailto: string;
  viewOnlineUrl: string;
}

/** The recipient's personal links; `publicUrl` as returned by checkedPublicUrl. */
export function newsletterLinks(publicUrl: string, issueId: string, token: string, domain: string): NewsletterLinks {
  if (token.length > 512 || !TOKEN.test(token))
    throw new HeaderValueError('List-Unsubscribe', `unsubscribe token ${JSON.stringify(token.slice(0, 80))} is not URL-safe`);
  return {
    // The issue rides along so an unsubscribe counts against the issue it came from.
    unsubscribeUrl: `${publicUrl}/unsubscribe/${token}?issue=${encodeURIComponent(issueId)}`,
    preferencesUrl: `${publicUrl}/preferences/${token}`,
    unsubscribeMailto: `mailto:unsubscribe+${token}@${domain}?subject=unsubscribe`,
    viewOnlineUrl: `${publicUrl}/issues/${encodeURIComponent(issueId)}`,
  };
}

const PROBE: TokenName[] = ['UNSUBSCRIBE_URL', 'VIEW_ONLINE_URL', 'NAME', 'PREFERENCES_URL', 'HEADLINE_NAME', 'CLICK_TOKEN'];
const PROBE_TEMPLATE = { parts: ['', '\u0000', '\u0000', '\u0000', '\u0000', '\u0000', ''], tokens: PROBE };

/**
 * The token values exactly as the renderer splices them, for HTML (escaped) and text: asks
 * `personalise` itself on a probe of every token, so escaping and the default name stay the
 * renderer's business and the fast path cannot drift from it.
 */
export function personalTokenValues(
  rendered: RenderedIssue,
  links: NewsletterLinks,
  name: string | undefined,
  clickToken = '',
): { html: TokenValues; text: TokenValues } {
  const probe: RenderedIssue = { ...rendered, splice: { html: PROBE_TEMPLATE, text: PROBE_TEMPLATE } };
  const out = personalise(probe, {
    unsubscribeUrl: links.unsubscribeUrl,
    viewOnlineUrl: links.viewOnlineUrl,
    preferencesUrl: links.preferencesUrl,
    ...(name ? { name } : {}),
    clickToken,
  });
  const values = (joined: string): TokenValues => {
    const [UNSUBSCRIBE_URL = '', VIEW_ONLINE_URL = '', NAME = '', PREFERENCES_URL = '', HEADLINE_NAME = '', CLICK_TOKEN = ''] = joined.split('\u0000');
    return { UNSUBSCRIBE_URL, VIEW_ONLINE_URL, NAME, PREFERENCES_URL, HEADLINE_NAME, CLICK_TOKEN };
  };
  return { html: values(out.html), text: values(out.text) };
}

/** A message's click token: signs (campaign, subscriber, sentAt ms); src/reports/click-token.ts signClickToken bound to SECRET. */
export type ClickTokenSigner = (subscriberId: string, sentAt: number) => string;

/** The issue as mail sends it: with the links tracked at publish in place of its own, when it has them. */
export function mailedRendered(published: MailableIssue): RenderedIssue {
  return published.clicks ? { ...published.rendered, splice: published.clicks.splice } : published.rendered;
}

/** Whether a message of this issue needs a click token (its links are tracked, or it carries the open pixel). */
export function tracksClicks(published: MailableIssue): boolean {
  return published.clicks !== undefined && (published.clicks.links.length > 0 || published.clicks.opens === true);
}

export interface NewsletterMessageOptions {
  /** Full From value, e.g. `"预训练周刊" <weekly@example.com>`. */
  from: string;
  publicUrl: string;
  /** Replaces the issue's subject (e.g. a test send's marked subject). */
  subject?: string;
  /** Signs the Message-ID (SECRET, current key first). */
  secrets?: ReadonlyArray<{ version: number; key: string }>;
  /** Signs the message's click token, for an issue whose links are tracked (required then). */
  clickToken?: ClickTokenSigner;
  /** When the message is sent (its click token's sentAt); default now. */
  now?: Date;
}

/** The message's click token; a tracked issue without a signer is a wiring mistake, never sent untracked. */
export function signedClickToken(sign: ClickTokenSigner | undefined, subscriberId: string, sentAt: number): string {
  if (!sign) throw new Error('the issue tracks clicks but no click token signer was given');
  const token = sign(subscriberId, sentAt);
  if (token.length > 64 || !TOKEN.test(token)) throw new Error(`click token ${JSON.stringify(token.slice(0, 80))} is not URL-safe`);
  return token;
}

/** One recipient's newsletter message for Mailer.send (nodemailer builds the MIME). */
export function buildNewsletterMessage(published: MailableIssue, recipient: MimeRecipient, opts: NewsletterMessageOptions): OutgoingMessage {
  const domain = domainOf(addressOf(opts.from));
  const email = checkedAddress('To', recipient.email);
  const trimmed = recipient.name?.trim();
  const name = trimmed ? assertHeaderSafe('To', trimmed) : undefined;
  const links = newsletterLinks(checkedPublicUrl(opts.publicUrl), published.issueId, recipient.unsubscribeToken, domain);
  const personal = personalise(mailedRendered(published), {
    unsubscribeUrl: links.unsubscribeUrl,
    viewOnlineUrl: links.viewOnlineUrl,
    preferencesUrl: links.preferencesUrl,
    ...(name ? { name } : {}),
    ...(tracksClicks(published) ? { clickToken: signedClickToken(opts.clickToken, recipient.subscriberId, (opts.now ?? new Date()).getTime()) } : {}),
  });
  return {
    from: opts.from,
    to: name ? `${quoteString(name)} <${email}>` : email,
    subject: assertHeaderSafe('Subject', opts.subject ?? personal.subject),
    html: personal.html,
    text: personal.text,
    messageId: newsletterMessageId(published.issueId, recipient.subscriberId, published.contentHash, domain, opts.secrets),
    list: {
      unsubscribeUrl: links.unsubscribeUrl,
      unsubscribeMailto: links.unsubscribeMailto,
      id: listIdentifier(published.listId, domain),
      name: assertHeaderSafe('List-Id', published.newsletterName),
    },
  };
}
