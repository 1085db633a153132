// What a command did, in the audit log: the same log the console and the API write, with the
// operator on this machine as who (`cli (user)`) and no client address.
import { userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import type { Keys } from '../redis/keys.ts';
import type { AuditAction } from '../team/audit-log.ts';

export async function recordCliAudit(
  redis: Redis,
  keys: Keys,
  config: Pick<Config, 'auditRetentionDays'>,
  action: AuditAction,
  target: string,
  detail = '',
): Promise<void> {
  const { AuditLog } = await import('../team/audit-log.ts');
  await new AuditLog(redis, keys, config.auditRetentionDays).record({ action, actor: `cli (${userInfo().username})`, actorId: '', ip: '', target, detail });
}
