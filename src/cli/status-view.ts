// What `status --watch` shows for one reading: the bar's position and the ETA, right in every
// state (no ETA while nothing moves; a cancelled send's bar stops where its sending stopped).
import type { CampaignStatus } from '../campaign/types.ts';

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

/** `rate`: messages per second lately (0 when unknown). */
export function watchView(s: CampaignStatus, rate: number): WatchView {
  const attempted = s.sent + s.failed + s.bounced + s.unknown;
  const value = s.state === 'cancelled' ? attempted : s.total - s.queued;
  let eta: string;
  if (s.state === 'done' || s.state === 'cancelled') eta = '0s';
  else if (s.state !== 'sending') eta = s.state;
  else if (s.queued === 0) eta = '0s';
  else eta = rate > 0 && Number.isFinite(rate) ? formatSeconds(s.queued / rate) : '—';
  return { value, eta };
}
