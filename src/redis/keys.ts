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
  /** Hash status → number of subscribers, over the whole deployment. */
  statusCounts(): string;
  /** Hash status → number of members of one list. */
  listCounts(listId: string): string;
  /**
   * Search indexes (src/subscribers/search-index.ts): sorted sets, every score 0, read by
   * ZRANGEBYLEX / ZLEXCOUNT. `searchLocal`: `<mailbox>\0<id>` (the case-folded address, local
   * part first); `searchDomain`: `<domain>@<local part>\0<id>`; `searchName`: `<folded name>\0<id>`
   * (subscribers with a name only).
   */
  searchLocal(): string;
  searchDomain(): string;
  searchName(): string;
  confirmToken(hash: string): string;
  /** A confirmation token already used (same hash): a second click shows "subscribed", not an error. */
  confirmUsed(hash: string): string;
  /** Set while a confirmation mail to (subscriber, list) is recent: stops mail-bombing by resubmits. */
  confirmThrottle(subscriberId: string, listId: string): string;
  /** Set while a "link to manage my subscription" mail to the subscriber is recent (preferences-link-mail.ts). */
  preferencesLinkThrottle(subscriberId: string): string;
  /** Namespace (a key prefix) of the HTTP per-IP rate-limit counters. */
  rateLimit(): string;
  rendered(issueId: string): string;
  campaign(issueId: string): string;
  ledger(issueId: string): string;
  /** A send's bounces, deferrals and failures by the recipient's domain (field `<domain>\t<kind>`), written by the ledger's owner. */
  ledgerDomains(issueId: string): string;
  /** A list send's messages counted sent per minute (field: ms since the epoch / 60,000), for the report's timeline; the ledger's. */
  ledgerMinutes(issueId: string): string;
  /**
   * The web archive's index: a sorted set of published issue ids, each scored by its first
   * publish time (publish.ts writes it). Its key is still named `campaigns`, as it always was.
   */
  archiveIndex(): string;
  /** An editor's console session (its random id's hash), with a TTL: the login that made it. */
  adminSession(idHash: string): string;
  /** The studio's unsaved drafts of one issue: a hash, editor id → draft (src/studio/draft-store.ts), with a TTL. */
  studioDrafts(issueId: string): string;
  /** The studio's revisions of one issue: a capped list of the file as it was before each save, newest first. */
  studioRevisions(issueId: string): string;
  /** The outcome of a console form, kept for the one page its redirect shows (post/redirect/get). */
  adminFlash(idHash: string): string;
  /** A team member (src/team/user-store.ts): hash of email, role, password hash, link nonces. */
  user(id: string): string;
  /** Hash: case-folded email → user id. */
  userEmails(): string;
  /** Held while one change to the team's roles or members runs (src/team/user-store.ts). */
  teamLock(): string;
  /** Set of the hashes of a member's console sessions (src/team/session-store.ts). */
  userSessions(userId: string): string;
  /** Wrong passwords for one address (its hash) in the last window (src/team/login-throttle.ts). */
  loginFailures(emailHash: string): string;
  /** Set while a password-reset mail to one address (its hash) is recent. */
  resetMailThrottle(emailHash: string): string;
  /** The audit log: a stream, appended to and trimmed by age only (src/team/audit-log.ts). */
  auditLog(): string;
  /** A login waiting for its one-time code (its id's hash; src/team/login-challenge.ts). */
  loginChallenge(idHash: string): string;
  /** An API token's record (src/team/api-token-store.ts): owner, name, scopes, the secret's hash, last use. */
  apiToken(id: string): string;
  /** Set of a member's API token ids. */
  userApiTokens(userId: string): string;
  /** A CSV file uploaded in the console, kept (with a TTL) between its preview and its import. */
  adminImport(id: string): string;
  /** A console import running in the background: its progress and outcome (a hash, with a TTL). */
  adminImportJob(id: string): string;
  /** Soft bounces reported for a subscriber lately (a counter with a TTL). */
  softBounces(subscriberId: string): string;
  /** A subscriber's consent history: a list of encoded events, oldest first (subscriber-codec.ts), deleted with the record. */
  consentHistory(subscriberId: string): string;
  /** Set of hashed addresses erased on request (`subscribers forget`): never created again. */
  forgotten(): string;
  /** A webhook message already acted on (e.g. `sns:<MessageId>`), kept for a while: retries and replays count once. */
  webhookSeen(id: string): string;
  /** A stream of mailed reports and unsubscribe requests that proved nothing and were not applied (src/delivery-reports/unmatched-log.ts). */
  unmatchedReports(): string;
  /** Per partition, hash list id → its subscribers who left by mail (the List-Unsubscribe mailto), for the server's metric. */
  mailUnsubscribes(): string;
  /**
   * Click counting (src/reports/click-store.ts, the one writer): the issue's tracked links
   * (hash link number → URL, written at publish), its counters (hash `h`, `m`, `h:<n>`, `m:<n>`:
   * clicks by people and by machines, in all and per link), and HyperLogLog registers of the
   * readers' keyed hashes (`clickUnique(c)` the issue, `clickUnique(c, n)` one link). Never a
   * list of who clicked. `clickPending` and `clickRecent` hold a click for two seconds and a
   * reader's last clicks for a minute, for the burst rule; both expire.
   */
  clickLinks(campaignId: string): string;
  clickCounts(campaignId: string): string;
  /** Clicks per hour by kind (field `h:<hour>` / `m:<hour>`, hour = ms / 3,600,000): counts of a time, never of who. */
  clickHours(campaignId: string): string;
  /** Opens (tracking.opens): counts by people and machines (`h`, `m`) and a HyperLogLog of the readers' keyed hashes. */
  openCounts(campaignId: string): string;
  openUnique(campaignId: string): string;
  clickUnique(campaignId: string, link?: number): string;
  clickPending(): string;
  /** Clicks counted so far, deployment-wide, by issue and kind (field `<campaign>\t<h|m>`): what /metrics reads. */
  clickTotals(): string;
  /** What every click key starts with: the commit script builds an issue's counts and unique keys from it (`<prefix><campaign>:counts`, `…:unique`, `…:unique:<n>`). */
  clickPrefix(): string;
  /** What a reader's recent clicks key starts with (`<prefix><campaign>:<reader>`). */
  clickRecentPrefix(): string;
}

export function keys(prefix: string): Keys {
  return {
    prefix,
    subscriber: (id) => `${prefix}:sub:${id}`,
    subscriberSeq: () => `${prefix}:sub:seq`,
    emailIndex: () => `${prefix}:sub:by-email`,
    // Bitmaps by subscriber id (named apart from the sorted sets they replaced: `subscribers reindex`).
    listActive: (listId) => `${prefix}:list:${listId}:active-bits`,
    listAll: (listId) => `${prefix}:list:${listId}:all-bits`,
    allSubscribers: () => `${prefix}:sub:all-bits`,
    statusCounts: () => `${prefix}:sub:counts`,
    listCounts: (listId) => `${prefix}:list:${listId}:counts`,
    searchLocal: () => `${prefix}:search:local`,
    searchDomain: () => `${prefix}:search:domain`,
    searchName: () => `${prefix}:search:name`,
    confirmToken: (hash) => `${prefix}:confirm:${hash}`,
    confirmUsed: (hash) => `${prefix}:confirm-used:${hash}`,
    confirmThrottle: (subscriberId, listId) => `${prefix}:confirm-throttle:${subscriberId}:${listId}`,
    preferencesLinkThrottle: (subscriberId) => `${prefix}:prefs-link-throttle:${subscriberId}`,
    rateLimit: () => `${prefix}:ratelimit:`,
    rendered: (issueId) => `${prefix}:issue:${issueId}:rendered`,
    campaign: (issueId) => `${prefix}:campaign:${issueId}`,
    ledger: (issueId) => `${prefix}:campaign:${issueId}:ledger`,
    ledgerDomains: (issueId) => `${prefix}:campaign:${issueId}:ledger:domains`,
    ledgerMinutes: (issueId) => `${prefix}:campaign:${issueId}:ledger:minutes`,
    archiveIndex: () => `${prefix}:campaigns`,
    adminSession: (idHash) => `${prefix}:admin-session:${idHash}`,
    studioDrafts: (issueId) => `${prefix}:studio-drafts:${issueId}`,
    studioRevisions: (issueId) => `${prefix}:studio-revisions:${issueId}`,
    adminFlash: (idHash) => `${prefix}:admin-flash:${idHash}`,
    user: (id) => `${prefix}:user:${id}`,
    userEmails: () => `${prefix}:users:by-email`,
    teamLock: () => `${prefix}:users:lock`,
    userSessions: (userId) => `${prefix}:user:${userId}:sessions`,
    loginFailures: (emailHash) => `${prefix}:login-failures:${emailHash}`,
    resetMailThrottle: (emailHash) => `${prefix}:reset-mail-throttle:${emailHash}`,
    auditLog: () => `${prefix}:audit`,
    loginChallenge: (idHash) => `${prefix}:login-challenge:${idHash}`,
    apiToken: (id) => `${prefix}:api-token:${id}`,
    userApiTokens: (userId) => `${prefix}:user:${userId}:api-tokens`,
    adminImport: (id) => `${prefix}:admin-import:${id}`,
    adminImportJob: (id) => `${prefix}:admin-import-job:${id}`,
    softBounces: (subscriberId) => `${prefix}:sub:${subscriberId}:soft-bounces`,
    consentHistory: (subscriberId) => `${prefix}:sub:${subscriberId}:consent`,
    forgotten: () => `${prefix}:sub:forgotten`,
    webhookSeen: (id) => `${prefix}:webhook-seen:${id}`,
    unmatchedReports: () => `${prefix}:reports:unmatched`,
    mailUnsubscribes: () => `${prefix}:unsubscribes:by-mail`,
    clickLinks: (campaignId) => `${prefix}:clicks:${campaignId}:links`,
    clickCounts: (campaignId) => `${prefix}:clicks:${campaignId}:counts`,
    clickHours: (campaignId) => `${prefix}:clicks:${campaignId}:hours`,
    openCounts: (campaignId) => `${prefix}:clicks:${campaignId}:opens`,
    openUnique: (campaignId) => `${prefix}:clicks:${campaignId}:opens:unique`,
    clickUnique: (campaignId, link) => `${prefix}:clicks:${campaignId}:unique${link === undefined ? '' : `:${link}`}`,
    clickPending: () => `${prefix}:clicks:pending`,
    clickTotals: () => `${prefix}:clicks:totals`,
    clickPrefix: () => `${prefix}:clicks:`,
    clickRecentPrefix: () => `${prefix}:clicks:recent:`,
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
