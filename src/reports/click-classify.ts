// Who followed a tracked link: a person, or a machine (a link scanner, a preview bot, a mail
// security gateway). Only what the request itself shows is decided here; the burst rule (three
// or more links of one message within two seconds) needs the other clicks and is applied when a
// click is committed (click-store.ts).

export type ClickKind = 'none' | 'machine' | 'candidate';

/** A GET this soon after the message was sent is a scanner's (Defender, Proofpoint, Mimecast). Default 60 s. */
export const DEFAULT_MACHINE_WINDOW_MS = 60_000;

// User agents of the scanners and link previewers that fetch every link of a message; generic
// HTTP clients too. A person's browser carries none of these words.
const MACHINE_AGENTS =
  /bot\b|crawler|spider|preview|scanner|barracuda|proofpoint|mimecast|safelinks|ms-office|msoffice|microsoft office|bingpreview|google-safety|googleimageproxy|yahoomailproxy|headlesschrome|phantomjs|python-requests|python-urllib|go-http-client|curl\/|wget\/|java\/|okhttp|libwww|httpclient|axios\/|node-fetch|undici|slackbot|facebookexternalhit|twitterbot|linkedinbot|whatsapp|telegrambot|discordbot|skypeuripreview/i;

export interface ClickRequest {
  method: string;
  userAgent: string | undefined;
  /** When the message was sent, from a valid token; null when the token proved nothing. */
  sentAt: number | null;
  now: number;
  machineWindowMs?: number;
}

/**
 * `none`: not counted (a HEAD, or a token that proves nothing: the link still works). `machine`:
 * counted apart from people. `candidate`: a person's, unless the burst rule says otherwise.
 */
export function classifyClick(req: ClickRequest): ClickKind {
  if (req.method !== 'GET' || req.sentAt === null) return 'none';
  const agent = req.userAgent?.trim() ?? '';
  if (!agent || MACHINE_AGENTS.test(agent)) return 'machine';
  if (req.now - req.sentAt < (req.machineWindowMs ?? DEFAULT_MACHINE_WINDOW_MS)) return 'machine';
  return 'candidate';
}

/**
 * Apple Mail Privacy Protection fetches every image of a message through Apple's proxy, on the
 * reader's device receiving it, whether or not anyone reads it, with a bare `Mozilla/5.0`. Such a
 * fetch within this long after the message was sent is taken for the proxy, not a reader.
 */
export const APPLE_PROXY_WINDOW_MS = 15 * 60_000;
// Gmail's image proxy fetches when the reader opens the message (and caches it): a person.
const GMAIL_PROXY = /googleimageproxy/i;
const GENERIC_AGENT = /^Mozilla\/5\.0$/;

/**
 * An open of the pixel: `none` for a HEAD or a token that proves nothing; `machine` for a
 * scanner, Apple's privacy proxy soon after delivery, or any fetch within the machine window;
 * `candidate` (a person) otherwise, Gmail's image proxy included.
 */
export function classifyOpen(req: ClickRequest): ClickKind {
  if (req.method !== 'GET' || req.sentAt === null) return 'none';
  const agent = req.userAgent?.trim() ?? '';
  if (GMAIL_PROXY.test(agent)) return 'candidate';
  const since = req.now - req.sentAt;
  if (GENERIC_AGENT.test(agent) && since < APPLE_PROXY_WINDOW_MS) return 'machine';
  return classifyClick(req);
}
