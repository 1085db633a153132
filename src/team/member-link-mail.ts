// The mail that carries a member's invitation or password-reset link. The request queues only
// {userId, purpose} on the transactional queue (Bull Board shows job data: no link in it); the
// worker reads the member's current nonce and signs the same link the console showed, so a
// newer link, a used one or a removed member sends nothing.
import type { Job, Queue } from 'bullmq';
import type { Config } from '../config/index.ts';
import { addressOf, domainOf } from '../mail/index.ts';
import type { Mailer } from '../mail/types.ts';
import { type LinkPurpose, memberLinkUrl, signMemberLink } from './member-links.ts';
import type { UserStore } from './user-store.ts';

export const MEMBER_LINK_JOB = 'member-link';

export interface MemberLinkJobData {
  userId: string;
  purpose: LinkPurpose;
}

export async function enqueueMemberLinkMail(queue: Queue, data: MemberLinkJobData): Promise<void> {
  await queue.add(MEMBER_LINK_JOB, { userId: data.userId, purpose: data.purpose } satisfies MemberLinkJobData, {
    attempts: 8,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  });
}

/** The mail's words: plain, in English and Chinese (the console's two languages). */
export function memberLinkMessage(purpose: LinkPurpose, url: string, email: string): { subject: string; text: string } {
  if (purpose === 'invite')
    return {
      subject: 'You are invited to the newsletter console / 邀请你加入通讯管理台',
      text: `You (${email}) are invited to the newsletter console. Choose your password here; the link works once, for 72 hours:\n\n${url}\n\n你（${email}）受邀加入通讯管理台。请在此设置密码；链接仅可使用一次，72 小时内有效：\n\n${url}\n\nIf you did not expect this, ignore this mail. / 如非本人预期，请忽略此邮件。\n`,
    };
  return {
    subject: 'Reset your newsletter console password / 重置通讯管理台密码',
    text: `Someone asked to reset the console password of ${email}. Choose a new one here; the link works once, for one hour:\n\n${url}\n\n有人请求重置 ${email} 的管理台密码。请在此设置新密码；链接仅可使用一次，1 小时内有效：\n\n${url}\n\nIf it was not you, ignore this mail: your password stays as it is. / 如非本人操作，请忽略此邮件，密码不会改变。\n`,
  };
}

type Outcome = 'sent' | 'skipped' | 'bounced';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The text as HTML: its paragraphs, its link a link. */
function asHtml(text: string): string {
  const paragraphs = text
    .trim()
    .split(/\n\n/)
    .map((p) => (/^https?:\/\/\S+$/.test(p) ? `<p><a href="${escapeHtml(p)}">${escapeHtml(p)}</a></p>` : `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`));
  return `<!doctype html><html lang="en"><body>${paragraphs.join('')}</body></html>`;
}

/** The transactional worker's handler of MEMBER_LINK_JOB. */
export function memberLinkJob(deps: { users: UserStore; mailer: Mailer; config: Pick<Config, 'publicUrl' | 'mailFrom' | 'secrets'> }) {
  return async (job: Job<MemberLinkJobData>): Promise<Outcome> => {
    const { userId, purpose } = job.data;
    const member = await deps.users.byId(userId);
    const link = member ? await deps.users.link(userId, purpose) : null;
    if (!member || !link || link.expires * 1000 < Date.now()) return 'skipped';
    const url = memberLinkUrl(deps.config.publicUrl, purpose, signMemberLink(deps.config.secrets, purpose, userId, link.expires, link.nonce));
    const message = memberLinkMessage(purpose, url, member.email);
    const from = addressOf(deps.config.mailFrom);
    const outcome = await deps.mailer.send({
      from: deps.config.mailFrom,
      to: member.email,
      subject: message.subject,
      text: message.text,
      html: asHtml(message.text),
      messageId: `<${purpose}.${userId}.${link.expires}@${domainOf(from)}>`,
    });
    if (outcome.kind === 'sent') return 'sent';
    if (outcome.kind === 'permanent') return 'bounced';
    throw new Error(`${purpose} mail not sent (${outcome.kind}): ${outcome.reason}`);
  };
}
