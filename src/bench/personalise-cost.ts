// Cost of personalising a rendered issue for one recipient: the splice that replaces
// re-rendering per subscriber (docs/architecture.md, Data flow: "microseconds"); and the same
// with every link tracked (issue 29): the message's click token signed, then spliced into each.
import { personalise, trackLinks } from '../render/index.ts';
import type { RenderedIssue } from '../render/types.ts';
import { clickTokenSigner } from '../reports/click-token.ts';

/** Mean µs of `work` over `calls` calls, after 2,000 to warm up. */
function meanUs(work: (i: number) => number, calls: number): number {
  let bytes = 0;
  for (let i = 0; i < 2_000; i++) bytes += work(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) bytes += work(i);
  const us = Number(process.hrtime.bigint() - start) / 1_000 / calls;
  // Touching the result keeps the work from being optimised away.
  if (bytes === 0) throw new Error('personalise produced nothing');
  return us;
}

const recipient = (i: number) => ({
  unsubscribeUrl: `https://news.example.com/unsubscribe/1.${i}.list.token`,
  viewOnlineUrl: 'https://news.example.com/issues/x',
  name: `Reader ${i}`,
});

export function measurePersonalise(rendered: RenderedIssue, calls = 20_000): number {
  return meanUs((i) => {
    const out = personalise(rendered, recipient(i));
    return out.html.length + out.text.length;
  }, calls);
}

export interface TrackedPersonaliseCost {
  /** Mean µs per message: sign its click token, then splice it with the other values. */
  us: number;
  /** Distinct tracked links, and the click tokens one message carries (HTML and text). */
  links: number;
  tokens: number;
}

/** The issue with its links tracked as a list send publishes it, personalised as the workers do. */
export function measureTrackedPersonalise(rendered: RenderedIssue, calls = 20_000): TrackedPersonaliseCost {
  const clicks = trackLinks(rendered, `https://news.example.com/r/${rendered.issueId}`);
  const tracked: RenderedIssue = { ...rendered, splice: clicks.splice };
  const sign = clickTokenSigner([{ version: 1, key: 'bench-click-secret-0123456789abcdef' }], rendered.issueId);
  const sentAt = Date.now();
  const us = meanUs((i) => {
    const out = personalise(tracked, { ...recipient(i), clickToken: sign(String(i + 1), sentAt) });
    return out.html.length + out.text.length;
  }, calls);
  const tokens = [...clicks.splice.html.tokens, ...clicks.splice.text.tokens].filter((t) => t === 'CLICK_TOKEN').length;
  return { us, links: clicks.links.length, tokens };
}
