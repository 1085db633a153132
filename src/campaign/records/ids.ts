// Campaign and job ids. A campaign id is the issue id, or `<issueId>~test-<ms>` for a test send
// (its own ledger, so a test never touches the real list's). BullMQ refuses custom job ids
// that contain ':' or are plain integers, hence the checks.
import { UserError } from '../../errors.ts';

const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(~test-\d{1,16})?$/;

export function isCampaignId(value: unknown): value is string {
  return typeof value === 'string' && CAMPAIGN_ID.test(value);
}

/**
 * The campaign id a deliver or fan-out job's data names, or undefined when it names none:
 * `campaignId`, else `issueId`, the field's name in jobs queued by earlier versions.
 */
export function jobCampaignId(data: { campaignId?: unknown; issueId?: unknown } | null | undefined): string | undefined {
  const id = data?.campaignId ?? data?.issueId;
  return isCampaignId(id) ? id : undefined;
}

/** Throws a UserError naming the argument when `value` is not a campaign (issue) id. */
export function assertCampaignId(value: string): string {
  if (!isCampaignId(value)) {
    throw new UserError(`"${value}" is not an issue id: use the issue file's base name, e.g. pretrain-weekly-064`);
  }
  return value;
}

/** How long a test send's copy, counters and ledger are kept. */
export const TEST_TTL_SECONDS = 7 * 24 * 3600;

export function testCampaignId(issueId: string, now = Date.now()): string {
  return `${issueId}~test-${now}`;
}

/** Whether `campaignId` is a test send's (testCampaignId). */
export function isTestCampaignId(campaignId: string): boolean {
  return campaignId.includes('~test-');
}

/**
 * The unsubscribe token in a test send's links: no real subscriber's (a test address need not
 * be one), and malformed on purpose, so following the link unsubscribes nobody.
 */
export const TEST_UNSUBSCRIBE_TOKEN = 'test-send';

/** Test recipients get ids `t1`, `t2`, … (they need not be subscribers; see src/redis/subscriber-id.ts). */
export function testSubscriberId(index: number): string {
  return `t${index + 1}`;
}

export function testRecipientIndex(subscriberId: string): number {
  return subscriberId.startsWith('t') ? Number(subscriberId.slice(1)) - 1 : -1;
}

/** Deterministic, so re-adding a job (a resumed fan-out, a second send) is a no-op. */
export function deliverJobId(campaignId: string, subscriberId: string): string {
  return `${campaignId}-${subscriberId}`;
}

/** One fan-out job per send (`run`) of a campaign. */
export function fanoutJobId(campaignId: string, run: number | string): string {
  return `fanout-${campaignId}-${run}`;
}
