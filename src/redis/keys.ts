// Every Redis key and queue name in one place, all behind the configured hash-tag prefix
// (`{nl}` by default) so that Redis Cluster keeps them on one slot and Lua scripts may touch
// several keys at once.

export interface Keys {
  prefix: string;
  subscriber(id: string): string;
  subscriberSeq(): string;
  emailIndex(): string;
  listActive(listId: string): string;
  listAll(listId: string): string;
  allSubscribers(): string;
  confirmToken(hash: string): string;
  rendered(issueId: string): string;
  campaign(issueId: string): string;
  ledger(issueId: string): string;
  campaigns(): string;
  suppressed(): string;
}

export function keys(prefix: string): Keys {
  return {
    prefix,
    subscriber: (id) => `${prefix}:sub:${id}`,
    subscriberSeq: () => `${prefix}:sub:seq`,
    emailIndex: () => `${prefix}:sub:by-email`,
    listActive: (listId) => `${prefix}:list:${listId}:active`,
    listAll: (listId) => `${prefix}:list:${listId}:all`,
    allSubscribers: () => `${prefix}:sub:all`,
    confirmToken: (hash) => `${prefix}:confirm:${hash}`,
    rendered: (issueId) => `${prefix}:issue:${issueId}:rendered`,
    campaign: (issueId) => `${prefix}:campaign:${issueId}`,
    ledger: (issueId) => `${prefix}:campaign:${issueId}:ledger`,
    campaigns: () => `${prefix}:campaigns`,
    suppressed: () => `${prefix}:suppressed`,
  };
}

/** BullMQ queue names (BullMQ adds its own `prefix`, which we set to the same hash tag). */
export const QUEUES = {
  /** One job per (issue, subscriber): the newsletter deliveries. */
  deliver: 'deliver',
  /** One job per issue send: pages through the list and adds deliver jobs. */
  fanout: 'fanout',
  /** Confirmation emails and other one-off mail. */
  transactional: 'transactional',
} as const;
