// `newsletter users add|list|remove|reset`: the team from the command line, for the operator who
// holds the server (and Redis): the first admin without the console, or a locked-out one. `add`
// and `reset` print the link (and, with --mail, queue it for a running worker to mail).
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { UserError } from '../../errors.ts';
import { requireEmail } from '../../subscribers/email-address.ts';
import type { AuditAction } from '../../team/audit-log.ts';
import { isRole, ROLES, type Role } from '../../team/roles.ts';
import type { TeamDeps } from '../../use-cases/manage-team.ts';
import { recordCliAudit } from '../cli-audit.ts';
import { withStore } from '../with-store.ts';

function requireRole(raw: string): Role {
  if (!isRole(raw)) throw new UserError(`--role must be one of ${ROLES.join(', ')}, got "${raw}"`);
  return raw;
}

/** What the command did, for the audit log, as the operator on this machine. */
type RecordAudit = (action: AuditAction, target: string, detail?: string) => Promise<void>;

/** The team's stores for the length of `fn`, with the transactional queue when mail is asked for. */
async function withTeam<T>(mail: boolean, fn: (deps: TeamDeps & { record: RecordAudit }) => Promise<T>): Promise<T> {
  const config = loadConfig(readEnvironment(), ['SECRET']);
  const { UserStore } = await import('../../team/user-store.ts');
  const { AdminSessionStore } = await import('../../team/session-store.ts');
  const { ApiTokenStore } = await import('../../team/api-token-store.ts');
  return withStore(async (_store, ctx) => {
    const record: RecordAudit = (action, target, detail = '') => recordCliAudit(ctx.redis, ctx.keys, config, action, target, detail);
    const base = {
      users: new UserStore(ctx.redis, ctx.keys),
      sessions: new AdminSessionStore(ctx.redis, ctx.keys),
      tokens: new ApiTokenStore(ctx.redis, ctx.keys),
      config,
      record,
    };
    if (!mail) return fn(base);
    const { Queue } = await import('bullmq');
    const { QUEUES } = await import('../../redis/keys.ts');
    const transactionalQueue = new Queue(QUEUES.transactional, { connection: ctx.queueConnection(), prefix: config.keyPrefix });
    try {
      return await fn({ ...base, transactionalQueue });
    } finally {
      await transactionalQueue.close();
    }
  }, config);
}

async function memberOf(deps: TeamDeps, raw: string) {
  const member = await deps.users.byEmail(requireEmail(raw));
  if (!member) throw new UserError(`${raw} is not a member of the team (see \`newsletter users list\`)`);
  return member;
}

const mailed = (mail: boolean | undefined) => (mail ? ' (mail queued: a running `newsletter worker` sends it)' : '');

export function register(program: Command): void {
  const cmd = program.command('users').description('the team who use the console: add (invite), list, remove, reset a password');

  cmd
    .command('add')
    .description('invite a member: prints the link that sets their password (72 hours, once)')
    .argument('<email>', 'their address')
    .requiredOption('--role <role>', `${ROLES.join(' | ')}`)
    .option('--mail', 'also mail them the link')
    .action(async (raw: string, opts: { role: string; mail?: boolean }) => {
      const email = requireEmail(raw);
      const role = requireRole(opts.role);
      const { inviteMember } = await import('../../use-cases/manage-team.ts');
      const { MemberExistsError } = await import('../../team/user-store.ts');
      await withTeam(Boolean(opts.mail), async (deps) => {
        try {
          const { member, link } = await inviteMember(deps, email, role);
          await deps.record('member-invite', member.email, `role=${role}`);
          process.stdout.write(`invited ${member.email} as ${role}${mailed(opts.mail)}\nlink     ${link}\n`);
        } catch (error) {
          if (error instanceof MemberExistsError)
            throw new UserError(`${email} is already a member (\`newsletter users reset ${email}\` sends a new password link)`);
          throw error;
        }
      });
    });

  cmd
    .command('list')
    .description('every member: address, role, active or invited, sessions open')
    .option('--json', 'as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withTeam(false, async (deps) => {
        const members = await deps.users.list();
        const rows = await Promise.all(members.map(async (m) => ({ ...m, sessions: (await deps.sessions.listOf(m.id)).length })));
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify(
              rows.map(({ id, email, role, active, createdAt, sessions }) => ({ id, email, role, active, createdAt, sessions })),
              null,
              2,
            )}\n`,
          );
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('no members yet: `newsletter users add you@example.com --role admin` invites the first admin\n');
          return;
        }
        const width = Math.max(...rows.map((r) => r.email.length));
        for (const r of rows)
          process.stdout.write(
            `${r.email.padEnd(width)}  ${r.role.padEnd(6)}  ${r.active ? 'active ' : 'invited'}  ${r.sessions} session${r.sessions === 1 ? '' : 's'}\n`,
          );
      });
    });

  cmd
    .command('role')
    .description("change a member's role, or with --newsletter their role for one newsletter's issues and sends ('own': back to their role)")
    .argument('<email>', 'their address')
    .argument('<role>', `${ROLES.join(' | ')}${' | own (with --newsletter)'}`)
    .option('--newsletter <id>', 'only for this newsletter')
    .action(async (raw: string, rawRole: string, opts: { newsletter?: string }) => {
      const { changeRole } = await import('../../use-cases/manage-team.ts');
      const role = opts.newsletter && rawRole === 'own' ? null : requireRole(rawRole);
      await withTeam(false, async (deps) => {
        const member = await memberOf(deps, raw);
        if (opts.newsletter) {
          const { loadNewsletters } = await import('../../content/index.ts');
          const known = (await loadNewsletters(loadConfig(readEnvironment()).emailsDir).catch(() => [])).map((n) => n.id);
          if (!known.includes(opts.newsletter))
            throw new UserError(`--newsletter ${opts.newsletter}: no such newsletter (known: ${known.join(', ') || 'none'})`);
          await deps.users.setNewsletterRole(member.id, opts.newsletter, role);
          await deps.record('member-role', member.email, `newsletters=${opts.newsletter}=${role ?? member.role}`);
          process.stdout.write(`${member.email} is ${role ?? `${member.role} (their role)`} for ${opts.newsletter}\n`);
          return;
        }
        const done = await changeRole(deps, null, member.id, role!);
        if ('refused' in done) throw new UserError(`${member.email} is the last admin: make another member admin first`);
        await deps.record('member-role', member.email, `role=${role}`);
        process.stdout.write(`${member.email} is now ${role}\n`);
      });
    });

  cmd
    .command('remove')
    .description('remove a member: their sessions end at once (the last admin stays)')
    .argument('<email>', 'their address')
    .action(async (raw: string) => {
      const { removeMember } = await import('../../use-cases/manage-team.ts');
      await withTeam(false, async (deps) => {
        const member = await memberOf(deps, raw);
        const done = await removeMember(deps, null, member.id);
        if ('refused' in done) throw new UserError(`${member.email} is the last admin: make another member admin first (newsletter users add … --role admin)`);
        await deps.record('member-remove', member.email, `sessionsEnded=${done.sessionsEnded} tokensRevoked=${done.tokensRevoked}`);
        process.stdout.write(
          `removed ${member.email}; ${done.sessionsEnded} session${done.sessionsEnded === 1 ? '' : 's'} ended, ${done.tokensRevoked} API token${done.tokensRevoked === 1 ? '' : 's'} revoked\n`,
        );
      });
    });

  cmd
    .command('reset')
    .description('a new password link for a member (one hour, once); their password works until they use it')
    .argument('<email>', 'their address')
    .option('--mail', 'also mail them the link')
    .action(async (raw: string, opts: { mail?: boolean }) => {
      const { newMemberLink } = await import('../../use-cases/manage-team.ts');
      await withTeam(Boolean(opts.mail), async (deps) => {
        const member = await memberOf(deps, raw);
        const purpose = member.active ? 'reset' : 'invite';
        const link = await newMemberLink(deps, member, purpose);
        await deps.record(purpose === 'reset' ? 'reset-asked' : 'member-invite', member.email, 'via=cli');
        process.stdout.write(
          `${purpose === 'reset' ? 'password reset link' : 'new invitation link (not yet active)'} for ${member.email}${mailed(opts.mail)}\nlink     ${link}\n`,
        );
      });
    });
}
