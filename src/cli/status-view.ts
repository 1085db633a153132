// What `status` shows for one reading: the plain line (one per change when `--watch` writes to
// a file or a pipe, the text beside the bar on a terminal), the bar's position and the ETA,
// right in every state (no ETA while nothing moves; a cancelled send's bar stops where its
// sending stopped).
import type { CampaignStatus } from '../campaign/types.ts';
import { formatTime } from './format-time.ts';

export interface WatchView {
  /** The bar's position: messages settled (a cancelled send: only those that were attempted). */
  value: number;
  /** "1m 05s", or why there is none ("paused", "scheduled", "—" before the rate is known). */
  eta: string;
}

function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Messages that went to the SMTP server (sent, failed, bounced or in doubt); skipped ones did not. */
export function attempted(s: CampaignStatus): number {
  return s.sent + s.failed + s.bounced + s.unknown;
}

/** `rate`: messages per second lately (0 when unknown). */
export function watchView(s: CampaignStatus, rate: number): WatchView {
  // Cancelled: whatever it did not reach counts skipped, which is no progress.
  const value = s.state === 'cancelled' ? attempted(s) : s.total - s.queued;
  let eta: string;
  if (s.state === 'done' || s.state === 'cancelled') eta = '0s';
  else if (s.state !== 'sending') eta = s.state;
  else if (s.queued === 0) eta = '0s';
  else eta = rate > 0 && Number.isFinite(rate) ? formatSeconds(s.queued / rate) : '—';
  return { value, eta };
}

/** What a cancelled send did: "40 of 300 sent, 260 skipped" (failed, bounced, unknown only when there are some). */
export function cancelledSummary(s: CampaignStatus): string {
  const others = [
    s.failed ? `${s.failed} failed` : '',
    s.bounced ? `${s.bounced} bounced` : '',
    s.unknown ? `${s.unknown} unknown` : '',
    `${s.skipped} skipped`,
    // Read between the cancel and the end of what it waits for: not counted skipped yet.
    s.queued ? `${s.queued} not settled yet` : '',
  ].filter(Boolean);
  return `${s.sent} of ${s.total} sent, ${others.join(', ')}`;
}

/**
 * The state and counters in one line, e.g. `sending: 40/300 sent, 0 failed, 0 bounced,
 * 0 skipped, 0 unknown, 260 queued`; a cancelled send says what it did, `cancelled: 40 of 300
 * sent, 260 skipped`. A scheduled send adds when it starts; one that paused itself, why.
 */
export function progressLine(s: CampaignStatus, timeZone?: string): string {
  if (s.state === 'cancelled') return `cancelled: ${cancelledSummary(s)}`;
  let line = `${s.state}: ${s.sent}/${s.total} sent, ${s.failed} failed, ${s.bounced} bounced, ${s.skipped} skipped, ${s.unknown} unknown, ${s.queued} queued`;
  if (s.state === 'scheduled' && s.scheduledAt) line += `; starts ${formatTime(s.scheduledAt, timeZone)}`;
  if (s.state === 'paused' && s.pausedReason) line += `; paused by itself: ${s.pausedReason}`;
  return line;
}
