// Whether anything will deliver a send: a queue nobody consumes keeps its jobs safe but sends
// nothing, and a person who just typed `send` deserves to be told so at once.
import type { CampaignQueues } from './queues.ts';

/** Deliver workers connected to the queue right now (BullMQ names its worker connections). */
export async function liveWorkerCount(queues: Pick<CampaignQueues, 'deliver'>): Promise<number> {
  return queues.deliver.getWorkersCount();
}

export function noWorkerNotice(redisUrl: string, keyPrefix: string): string {
  const where = redisUrl.replace(/\/\/[^@/]*@/, '//***@');
  return `no worker is running on ${where} (KEY_PREFIX ${keyPrefix}): the send stays queued, nothing is lost, and starts when one runs; start one with \`npx newsletter worker\` (same REDIS_URL and KEY_PREFIX)`;
}
