// Every sentence of the editor's console, in its two locales. The console's language comes from
// the editor's choice (a cookie set by the language links) or the browser's Accept-Language.
import { plural } from '../../render/locales/format.ts';
import type { ConsentEventSource, ConsentEventType } from '../../subscribers/types.ts';

export type ConsoleLocale = 'en' | 'zh-CN';

export const CONSOLE_LOCALES: readonly ConsoleLocale[] = ['en', 'zh-CN'];

export interface ConsoleMessages {
  lang: ConsoleLocale;
  languageName: string;
  consoleTitle: string;
  nav: { issues: string; subscribers: string; queues: string; logout: string; language: string };
  loginTitle: string;
  loginIntro: string;
  tokenLabel: string;
  tokenHint: string;
  loginButton: string;
  loginFailed: string;
  loggedOut: string;
  issuesTitle: string;
  issuesEmpty: string;
  recentSends: string;
  noSends: string;
  columns: { issue: string; subject: string; state: string; total: string; sent: string; failed: string; bounced: string; skipped: string; unknown: string; queued: string; started: string; finished: string };
  states: Record<'none' | 'scheduled' | 'sending' | 'paused' | 'done' | 'cancelled', string>;
  issueUnreadable: string;
  preview: string;
  desktop: string;
  phone: string;
  textPart: string;
  lint: string;
  lintClean: string;
  levels: Record<'error' | 'warning', string>;
  sendBlocked(errors: number): string;
  sendRunning: string;
  noWorker: string;
  startsAt: string;
  yourTime: string;
  rescheduleLabel: string;
  rescheduleHint(timeZone: string): string;
  rescheduleButton: string;
  sendNowButton: string;
  rescheduled(when: string): string;
  lintSummary(errors: number, warnings: number): string;
  sizeTitle: string;
  sizeLine(kb: string, budgetKb: string, over: boolean): string;
  recipients(n: number, list: string): string;
  testSendTitle: string;
  testSendLabel: string;
  testSendHint: string;
  testSendButton: string;
  testSendQueued(n: number): string;
  sendTitle: string;
  atLabel: string;
  atHint(timeZone: string): string;
  sendButton: string;
  confirmTitle: string;
  confirmBody(n: number, list: string, at: string | null): string;
  confirmButton: string;
  cancelButton: string;
  alreadySent(when: string, n: number): string;
  running: string;
  viewSend: string;
  sendTitleFor(id: string): string;
  progress: string;
  rate: string;
  eta: string;
  perSecond(n: string): string;
  pauseButton: string;
  resumeButton: string;
  cancelSendButton: string;
  pausedReason(reason: string): string;
  resumesBySelf: string;
  possibleDuplicates(n: number): string;
  lateReports(bounces: number, complaints: number): string;
  lookupTitle: string;
  lookupLabel: string;
  lookupButton: string;
  lookupNone(email: string): string;
  lookupNotSubscriber(email: string): string;
  lookupResult(email: string, outcome: string): string;
  outcomes: Record<string, string>;
  notAnAddress: string;
  subs: {
    title: string;
    counts: string;
    whole: string;
    list: string;
    status: Record<'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained', string>;
    searchLabel: string;
    searchHint: string;
    searchButton: string;
    noMatch(q: string): string;
    searchText: string;
    searchKind: string;
    kinds: Record<'auto' | 'local' | 'domain' | 'name', string>;
    anyStatus: string;
    matches(n: number, exact: boolean): string;
    bulkUnsubscribe(list: string): string;
    bulkDelete: string;
    bulkExport: string;
    bulkUnsubscribeTitle(n: number, list: string): string;
    bulkDeleteTitle(n: number): string;
    bulkUnsubscribeBody(list: string): string;
    bulkDeleteBody: string;
    bulkConfirm(n: number): string;
    bulkTooMany(n: number, max: number): string;
    bulkDone(action: 'unsubscribe' | 'delete', n: number): string;
    bulkNone: string;
    browse: string;
    next: string;
    email: string;
    name: string;
    lists: string;
    joined: string;
    removeButton: string;
    removed(email: string): string;
    addTitle: string;
    confirmedLabel: string;
    confirmedHint: string;
    addButton: string;
    added(email: string): string;
    confirmationSent(email: string): string;
    /** A confirmed add of a bounced or complained address, refused; `status` is its word for the state. */
    refusedSuppressed(email: string, status: string): string;
    importTitle: string;
    fileLabel: string;
    fileHint: string;
    previewButton: string;
    previewTitle(name: string, bytes: number): string;
    importJobTitle(name: string): string;
    importState: Record<'running' | 'done' | 'failed' | 'interrupted', string>;
    confirmationsQueued(n: number): string;
    importTarget(list: string, confirmed: boolean): string;
    importButton: string;
    imported(r: { imported: number; updated: number; skipped: number; errors: number }): string;
    uploadExpired: string;
    noFile: string;
    exportTitle: string;
    exportButton: string;
  };
  sub: {
    record: string;
    address: string;
    locale: string;
    noLocale: string;
    created: string;
    updated: string;
    consent: string;
    consentAt: string;
    consentSource: string;
    consentIp: string;
    consentAgent: string;
    consentText: string;
    confirmedAt: string;
    noConsent: string;
    consentHistory: string;
    event: string;
    events: Record<ConsentEventType, string>;
    eventSources: Record<ConsentEventSource, string>;
    lists: string;
    noLists: string;
    inList: string;
    requested: string;
    left: string;
    leave(list: string): string;
    history: string;
    noHistory: string;
    edit: string;
    save: string;
    saved(email: string): string;
    resend: string;
    resent(email: string): string;
    resendThrottled: string;
    nothingToConfirm: string;
    erase: string;
    eraseTitle(email: string): string;
    eraseBody: string;
    eraseConfirm: string;
    erased(email: string): string;
    leaveTitle(email: string, list: string): string;
    leaveBody(list: string): string;
    leaveConfirm: string;
    leftList(email: string, list: string): string;
    notInList(list: string): string;
    open(email: string): string;
  };
  cancelTitle(id: string): string;
  cancelBody(queued: number): string;
  cancelConfirm: string;
  keepSending: string;
  refresh: string;
  errorTitle: string;
  forbidden: string;
  back: string;
}

/** English's two forms by Intl.PluralRules: `one` for 1, `other` for every other count. */
const byCount = (n: number, one: string, other: string) => plural('en', n, { one, other });

const en: ConsoleMessages = {
  lang: 'en',
  languageName: 'English',
  consoleTitle: 'Newsletter console',
  nav: { issues: 'Issues', subscribers: 'Subscribers', queues: 'Queues', logout: 'Log out', language: 'Language' },
  loginTitle: 'Log in to the console',
  loginIntro: "Editors log in with the admin token (ADMIN_TOKEN in the server's environment).",
  tokenLabel: 'Admin token',
  tokenHint: 'The session lasts 8 hours or until you log out.',
  loginButton: 'Log in',
  loginFailed: 'That token is not right. Check ADMIN_TOKEN and try again.',
  loggedOut: 'You are logged out.',
  issuesTitle: 'Issues',
  issuesEmpty: 'No issue file in emails/issues yet.',
  recentSends: 'Recent sends',
  noSends: 'Nothing has been sent yet.',
  columns: { issue: 'Issue', subject: 'Subject', state: 'State', total: 'Total', sent: 'Sent', failed: 'Failed', bounced: 'Bounced', skipped: 'Skipped', unknown: 'Unknown', queued: 'Queued', started: 'Started', finished: 'Finished' },
  states: { none: 'not sent', scheduled: 'scheduled', sending: 'sending', paused: 'paused', done: 'done', cancelled: 'cancelled' },
  issueUnreadable: 'cannot be read; open it for the error',
  preview: 'Preview',
  desktop: 'Desktop (600 px)',
  phone: 'Phone (375 px)',
  textPart: 'Text part',
  lint: 'Lint',
  lintClean: 'No findings.',
  levels: { error: 'error', warning: 'warning' },
  sendBlocked: (errors) => `Sending is blocked until ${byCount(errors, 'the error', `the ${errors} errors`)} above ${byCount(errors, 'is', 'are')} fixed in the issue file.`,
  sendRunning: 'A send of this issue is under way or scheduled: its page has pause, resume and cancel.',
  startsAt: 'Starts',
  yourTime: 'your time:',
  rescheduleLabel: 'Another start time',
  rescheduleHint: (timeZone) => `For example 2026-12-08T08:00, read in ${timeZone} (the newsletter's time zone), or with an offset: 2026-12-08T08:00+08:00.`,
  rescheduleButton: 'Move the start',
  sendNowButton: 'Send now instead',
  rescheduled: (when) => `The send now starts ${when}.`,
  noWorker: 'No worker is running: this send stays queued (nothing is lost) and goes out once one runs. Start one with `newsletter worker` on a machine with the same REDIS_URL and KEY_PREFIX.',
  lintSummary: (errors, warnings) => (errors ? `${errors} ${byCount(errors, 'error', 'errors')}` : warnings ? `${warnings} ${byCount(warnings, 'warning', 'warnings')}` : 'ready'),
  sizeTitle: 'Size on the wire',
  sizeLine: (kb, budgetKb, over) => `HTML part ${kb} KB on the wire, of a ${budgetKb} KB budget (Gmail clips a message at about 102 KB)${over ? ': too big, shorten the issue.' : '.'}`,
  recipients: (n, list) => `${n.toLocaleString('en')} active ${byCount(n, 'subscriber', 'subscribers')} on the list “${list}”.`,
  testSendTitle: 'Test send',
  testSendLabel: 'Send a [TEST] copy to',
  testSendHint: 'One or more addresses, separated by commas or spaces (at most 20). The list is not touched.',
  testSendButton: 'Send test',
  testSendQueued: (n) => `Test copy queued to ${n} ${byCount(n, 'address', 'addresses')}.`,
  sendTitle: 'Send to the list',
  atLabel: 'Schedule for (optional)',
  atHint: (timeZone) => `Leave empty to send now; or a date and time, e.g. 2026-12-08T08:00, read in ${timeZone} (the newsletter's time zone), or with an offset: 2026-12-08T08:00+08:00.`,
  sendButton: 'Send…',
  confirmTitle: 'Send this issue?',
  confirmBody: (n, list, at) => `It goes to ${n.toLocaleString('en')} active ${byCount(n, 'subscriber', 'subscribers')} of “${list}”, ${at ? `at ${at}` : 'now'}. This cannot be undone.`,
  confirmButton: 'Yes, send it',
  cancelButton: 'Back',
  alreadySent: (when, n) => `Already sent, finished ${when}, to ${n.toLocaleString('en')}.`,
  running: 'A send of this issue is under way.',
  viewSend: 'See the send',
  sendTitleFor: (id) => `Send of ${id}`,
  progress: 'Progress',
  rate: 'Rate',
  eta: 'Time left',
  perSecond: (n) => `${n} msgs/s`,
  pauseButton: 'Pause',
  resumeButton: 'Resume',
  cancelSendButton: 'Cancel the send',
  pausedReason: (reason) => `Paused: ${reason}`,
  resumesBySelf: 'It resumes by itself once the SMTP server answers.',
  possibleDuplicates: (n) => `${n} possible ${byCount(n, 'duplicate', 'duplicates')} (a connection lost after the message was sent).`,
  lateReports: (b, c) => `Reported afterwards: ${b} ${byCount(b, 'bounce', 'bounces')}, ${c} ${byCount(c, 'complaint', 'complaints')} (those addresses are suppressed).`,
  lookupTitle: 'What happened to my message?',
  lookupLabel: "Subscriber's address",
  lookupButton: 'Look up',
  lookupNone: (email) => `${email} is not in this send.`,
  lookupNotSubscriber: (email) => `${email} is not a subscriber.`,
  lookupResult: (email, outcome) => `${email}: ${outcome}`,
  outcomes: { sent: 'sent (the server accepted it)', failed: 'failed', bounced: 'bounced (the address was refused)', skipped: 'skipped (unsubscribed or cancelled before it went)', unknown: 'unknown (lost in transit; counted as a possible duplicate if re-sent)', queued: 'queued, not sent yet', claimed: 'being sent now', 'data-sent': 'being sent now', 'in-doubt': 'in doubt: the connection was lost as it went; it is re-sent on resume and counted as a possible duplicate' },
  notAnAddress: 'That is not an email address.',
  subs: {
    title: 'Subscribers',
    counts: 'Counts',
    whole: 'All lists',
    list: 'List',
    status: { pending: 'pending', active: 'active', unsubscribed: 'unsubscribed', bounced: 'bounced', complained: 'complained' },
    searchLabel: 'Find subscribers',
    searchHint: 'The start of an address (ali, ali@exam), of its domain (@example) or of a name, in any case; or nothing, to see everyone the filters let through.',
    searchButton: 'Search',
    noMatch: (q) => `No subscriber has the address ${q}.`,
    searchText: 'Address or name starts with',
    searchKind: 'Search in',
    kinds: { auto: 'address or name', local: 'address', domain: 'domain', name: 'name' },
    anyStatus: 'any',
    matches: (n, exact) => (n === 0 ? 'No subscriber matches.' : `${exact ? '' : 'At least '}${n.toLocaleString('en')} ${byCount(n, 'subscriber', 'subscribers')} match${exact ? byCount(n, 'es', '') : ''}.`),
    bulkUnsubscribe: (list) => `Unsubscribe all these from ${list}…`,
    bulkDelete: 'Erase all these…',
    bulkExport: 'Export these as CSV',
    bulkUnsubscribeTitle: (n, list) => `Unsubscribe ${n.toLocaleString('en')} ${byCount(n, 'subscriber', 'subscribers')} from ${list}?`,
    bulkDeleteTitle: (n) => `Erase ${n.toLocaleString('en')} ${byCount(n, 'subscriber', 'subscribers')}?`,
    bulkUnsubscribeBody: (list) => `They stop receiving ${list}; sends under way let them go. Their records and consent records stay; only they can join again.`,
    bulkDeleteBody: 'Their records, consent records and list memberships are deleted, and only a hash of each address is kept so that no import or form adds them back (as `newsletter subscribers forget`). It cannot be undone.',
    bulkConfirm: (n) => `Yes, all ${n.toLocaleString('en')}`,
    bulkTooMany: (n, max) => `${n.toLocaleString('en')} subscribers match; the console acts on at most ${max.toLocaleString('en')} at once. Narrow the search, or do it in steps.`,
    bulkDone: (action, n) => `${action === 'delete' ? 'Erased' : 'Unsubscribed'} ${n.toLocaleString('en')} ${byCount(n, 'subscriber', 'subscribers')}.`,
    bulkNone: 'No subscriber matches any more; nothing was changed.',
    browse: 'Subscribers of the list',
    next: 'Next page',
    email: 'Address',
    name: 'Name',
    lists: 'Lists',
    joined: 'Joined',
    removeButton: 'Remove',
    removed: (email) => `${email} was removed; running sends skip them.`,
    addTitle: 'Add a subscriber',
    confirmedLabel: 'They already agreed (add as active, no confirmation mail)',
    confirmedHint: 'Leave unticked to send the double opt-in mail, as the subscribe form does.',
    addButton: 'Add',
    added: (email) => `${email} is an active subscriber.`,
    confirmationSent: (email) => `A confirmation mail is on its way to ${email} (unless they are already subscribed).`,
    refusedSuppressed: (email, status) =>
      `${email} is ${status}: a confirmed add cannot bring back a bounced or complained address. Add it without “confirmed” to send a confirmation mail; only its link makes the address active again.`,
    importTitle: 'Import a CSV file',
    fileLabel: 'CSV file',
    fileHint: 'Header row: email[,name,locale]; at most 5 MB (larger files: newsletter subscribers import).',
    previewButton: 'Preview…',
    previewTitle: (name, bytes) => `${name} (${bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`}): the first rows`,
    importJobTitle: (name) => `Import of ${name}`,
    importState: { running: 'Importing…', done: 'Done', failed: 'Stopped', interrupted: 'Interrupted: the server that ran it stopped; rows before that are in. Import the file again (rows already in are updated, not doubled).' },
    confirmationsQueued: (n) => `${n.toLocaleString('en')} confirmation ${byCount(n, 'mail', 'mails')} queued.`,
    importTarget: (list, confirmed) =>
      confirmed
        ? `The rows go to the list ${list}, as active: "they already agreed" is ticked, so nobody gets a confirmation mail.`
        : `The rows go to the list ${list}, as pending: "they already agreed" is not ticked, so each new address gets a confirmation mail.`,
    importButton: 'Import',
    imported: (r) => `Imported ${r.imported.toLocaleString('en')}, updated ${r.updated.toLocaleString('en')}, skipped ${r.skipped.toLocaleString('en')}, ${r.errors.toLocaleString('en')} ${byCount(r.errors, 'error', 'errors')}.`,
    uploadExpired: 'That upload has expired (15 minutes); choose the file again.',
    noFile: 'Choose a CSV file first.',
    exportTitle: 'Export',
    exportButton: 'Download CSV',
  },
  sub: {
    record: 'Record',
    address: 'Address',
    locale: 'Language',
    noLocale: 'the newsletter’s',
    created: 'Added',
    updated: 'Changed',
    consent: 'Consent record',
    consentAt: 'Agreed',
    consentSource: 'How',
    consentIp: 'From address',
    consentAgent: 'Browser',
    consentText: 'The words they agreed to',
    confirmedAt: 'Confirmed (double opt-in)',
    noConsent: 'No consent record (added before consent was recorded).',
    consentHistory: 'Consent history (oldest first)',
    event: 'What',
    events: { requested: 'asked to join', confirmed: 'confirmed by the link', granted: 'added with consent', withdrawn: 'left' },
    eventSources: {
      form: 'subscribe form',
      import: 'import',
      api: 'admin API',
      console: 'console',
      cli: 'command line',
      preferences: 'preferences page',
      'one-click': 'one-click unsubscribe',
      'unsubscribe-page': 'unsubscribe page',
      mail: 'unsubscribe by mail',
      complaint: 'spam complaint',
      operator: 'operator',
    },
    lists: 'Lists',
    noLists: 'On no list.',
    inList: 'member',
    requested: 'asked to join, not confirmed yet',
    left: 'left',
    leave: (list) => `Unsubscribe from ${list}…`,
    history: 'Sends',
    noHistory: 'No recent send had a message for them.',
    edit: 'Name and language',
    save: 'Save',
    saved: (email) => `Saved the name and language of ${email}.`,
    resend: 'Send the confirmation mail again',
    resent: (email) => `A confirmation mail is on its way to ${email}.`,
    resendThrottled: 'A confirmation mail went out less than a minute ago; wait a little before sending another.',
    nothingToConfirm: 'There is nothing for them to confirm: they asked to join no list.',
    erase: 'Delete (erase)…',
    eraseTitle: (email) => `Erase ${email}?`,
    eraseBody:
      'This deletes the record, its consent record and its list memberships, and keeps only a hash of the address, so that no import, API call or form adds it back (the same as `newsletter subscribers forget`). Past sends keep their counts. It cannot be undone.',
    eraseConfirm: 'Yes, erase',
    erased: (email) => `${email} was erased; only a hash of the address is kept.`,
    leaveTitle: (email, list) => `Unsubscribe ${email} from ${list}?`,
    leaveBody: (list) => `They stop receiving ${list}; a send under way lets them go. The record and its consent record stay. Only they can join again, through the form, which asks them to confirm.`,
    leaveConfirm: 'Yes, unsubscribe',
    leftList: (email, list) => `${email} is unsubscribed from ${list}.`,
    notInList: (list) => `They are not on ${list}.`,
    open: (email) => `Open ${email}`,
  },
  cancelTitle: (id) => `Cancel the send of ${id}?`,
  cancelBody: (queued) => `No further message of this send leaves; ${queued.toLocaleString('en')} not sent yet ${byCount(queued, 'is', 'are')} counted as skipped. A cancelled send cannot be resumed.`,
  cancelConfirm: 'Yes, cancel the send',
  keepSending: 'No, keep it',
  refresh: 'Refresh',
  errorTitle: 'Something is not right',
  forbidden: 'This form has expired or did not come from the console. Reload the page and try again.',
  back: 'Back to the console',
};

const zh: ConsoleMessages = {
  lang: 'zh-CN',
  languageName: '中文',
  consoleTitle: '通讯管理台',
  nav: { issues: '期刊', subscribers: '订阅者', queues: '队列', logout: '退出', language: '语言' },
  loginTitle: '登录管理台',
  loginIntro: '编辑使用管理令牌登录（服务器环境中的 ADMIN_TOKEN）。',
  tokenLabel: '管理令牌',
  tokenHint: '登录后 8 小时内有效，或直到退出。',
  loginButton: '登录',
  loginFailed: '令牌不正确。请核对 ADMIN_TOKEN 后重试。',
  loggedOut: '已退出。',
  issuesTitle: '期刊',
  issuesEmpty: 'emails/issues 中还没有期刊文件。',
  recentSends: '最近的发送',
  noSends: '还没有发送过。',
  columns: { issue: '期刊', subject: '标题', state: '状态', total: '总数', sent: '已发送', failed: '失败', bounced: '退信', skipped: '跳过', unknown: '未知', queued: '排队中', started: '开始', finished: '结束' },
  states: { none: '未发送', scheduled: '已定时', sending: '发送中', paused: '已暂停', done: '已完成', cancelled: '已取消' },
  issueUnreadable: '无法读取；打开查看错误',
  preview: '预览',
  desktop: '桌面（600 像素）',
  phone: '手机（375 像素）',
  textPart: '纯文本部分',
  lint: '检查',
  lintClean: '没有问题。',
  levels: { error: '错误', warning: '警告' },
  sendBlocked: (errors) => `请先在期刊文件中修正上面的 ${errors} 个错误，才能发送。`,
  sendRunning: '本期正在发送或已排定：在其发送页面可以暂停、继续或取消。',
  startsAt: '开始时间',
  yourTime: '你的时间：',
  rescheduleLabel: '改到另一个时间',
  rescheduleHint: (timeZone) => `例如 2026-12-08T08:00（按通讯的时区 ${timeZone} 理解），或带上时差：2026-12-08T08:00+08:00。`,
  rescheduleButton: '改变开始时间',
  sendNowButton: '改为立即发送',
  rescheduled: (when) => `此次发送改为 ${when} 开始。`,
  noWorker: '没有正在运行的 worker：此次发送仍在队列中（不会丢失），有 worker 运行后即开始发送。请在使用相同 REDIS_URL 和 KEY_PREFIX 的机器上运行 `newsletter worker`。',
  lintSummary: (errors, warnings) => (errors ? `${errors} 个错误` : warnings ? `${warnings} 个警告` : '可以发送'),
  sizeTitle: '邮件大小',
  sizeLine: (kb, budgetKb, over) => `HTML 部分编码后 ${kb} KB，预算 ${budgetKb} KB（Gmail 约在 102 KB 处截断邮件）${over ? '：超出预算，请删减。' : '。'}`,
  recipients: (n, list) => `列表“${list}”有 ${n.toLocaleString('zh-CN')} 位有效订阅者。`,
  testSendTitle: '测试发送',
  testSendLabel: '发送“[TEST]”副本到',
  testSendHint: '一个或多个地址，用逗号或空格分隔（最多 20 个）。不会发给订阅列表。',
  testSendButton: '发送测试',
  testSendQueued: (n) => `测试副本已排队，发往 ${n} 个地址。`,
  sendTitle: '发送给订阅列表',
  atLabel: '定时发送（可选）',
  atHint: (timeZone) => `留空则立即发送；或填写日期时间，例如 2026-12-08T08:00（按通讯的时区 ${timeZone} 理解），或带上时差：2026-12-08T08:00+08:00。`,
  sendButton: '发送…',
  confirmTitle: '确定发送本期？',
  confirmBody: (n, list, at) => `将发给“${list}”的 ${n.toLocaleString('zh-CN')} 位有效订阅者，${at ? `时间 ${at}` : '立即发送'}。发送后无法撤回。`,
  confirmButton: '确定发送',
  cancelButton: '返回',
  alreadySent: (when, n) => `已发送，于 ${when} 完成，共 ${n.toLocaleString('zh-CN')} 位。`,
  running: '本期正在发送。',
  viewSend: '查看发送',
  sendTitleFor: (id) => `${id} 的发送`,
  progress: '进度',
  rate: '速度',
  eta: '剩余时间',
  perSecond: (n) => `每秒 ${n} 封`,
  pauseButton: '暂停',
  resumeButton: '继续',
  cancelSendButton: '取消发送',
  pausedReason: (reason) => `已暂停：${reason}`,
  resumesBySelf: 'SMTP 服务器恢复应答后会自动继续。',
  possibleDuplicates: (n) => `${n} 封可能重复（邮件发出后连接中断）。`,
  lateReports: (b, c) => `事后报告：退信 ${b} 封，投诉 ${c} 次（这些地址已停止发送）。`,
  lookupTitle: '我的邮件怎么样了？',
  lookupLabel: '订阅者地址',
  lookupButton: '查询',
  lookupNone: (email) => `${email} 不在本次发送中。`,
  lookupNotSubscriber: (email) => `${email} 不是订阅者。`,
  lookupResult: (email, outcome) => `${email}：${outcome}`,
  outcomes: { sent: '已发送（服务器已接收）', failed: '失败', bounced: '退信（地址被拒收）', skipped: '跳过（发送前已退订或取消）', unknown: '未知（传输中断；如重发则计为可能重复）', queued: '排队中，尚未发送', claimed: '正在发送', 'data-sent': '正在发送', 'in-doubt': '存疑：发送时连接中断；继续发送时会重发并计为可能重复' },
  notAnAddress: '这不是有效的邮件地址。',
  subs: {
    title: '订阅者',
    counts: '人数',
    whole: '全部列表',
    list: '列表',
    status: { pending: '待确认', active: '有效', unsubscribed: '已退订', bounced: '退信', complained: '投诉' },
    searchLabel: '查找订阅者',
    searchHint: '地址开头（ali、ali@exam）、域名开头（@example）或称呼开头，不分大小写；留空则列出筛选条件下的所有人。',
    searchButton: '查找',
    noMatch: (q) => `没有地址为 ${q} 的订阅者。`,
    searchText: '地址或称呼开头为',
    searchKind: '查找范围',
    kinds: { auto: '地址或称呼', local: '地址', domain: '域名', name: '称呼' },
    anyStatus: '任意',
    matches: (n, exact) => (n === 0 ? '没有符合条件的订阅者。' : `${exact ? '' : '至少 '}${n.toLocaleString('zh-CN')} 位订阅者符合条件。`),
    bulkUnsubscribe: (list) => `将这些人全部从 ${list} 退订…`,
    bulkDelete: '全部抹除…',
    bulkExport: '将这些导出为 CSV',
    bulkUnsubscribeTitle: (n, list) => `将 ${n.toLocaleString('zh-CN')} 位订阅者从 ${list} 退订？`,
    bulkDeleteTitle: (n) => `抹除 ${n.toLocaleString('zh-CN')} 位订阅者？`,
    bulkUnsubscribeBody: (list) => `他们将不再收到 ${list}；正在进行的发送会跳过他们。记录和同意记录会保留；只有本人可以重新加入。`,
    bulkDeleteBody: '这会删除他们的记录、同意记录和列表成员关系，每个地址只保留哈希值，使任何导入或表单都不会再次加入（与 `newsletter subscribers forget` 相同）。此操作无法撤销。',
    bulkConfirm: (n) => `确认，全部 ${n.toLocaleString('zh-CN')} 位`,
    bulkTooMany: (n, max) => `有 ${n.toLocaleString('zh-CN')} 位订阅者符合条件；控制台一次最多处理 ${max.toLocaleString('zh-CN')} 位。请缩小范围或分批处理。`,
    bulkDone: (action, n) => `已${action === 'delete' ? '抹除' : '退订'} ${n.toLocaleString('zh-CN')} 位订阅者。`,
    bulkNone: '已没有符合条件的订阅者；没有做任何改动。',
    browse: '列表中的订阅者',
    next: '下一页',
    email: '地址',
    name: '姓名',
    lists: '列表',
    joined: '加入时间',
    removeButton: '删除',
    removed: (email) => `${email} 已删除；正在进行的发送会跳过此人。`,
    addTitle: '添加订阅者',
    confirmedLabel: '对方已同意（直接设为有效，不发确认邮件）',
    confirmedHint: '不勾选则像订阅表单一样发送双重确认邮件。',
    addButton: '添加',
    added: (email) => `${email} 已是有效订阅者。`,
    confirmationSent: (email) => `确认邮件已发往 ${email}（如已订阅则不发）。`,
    refusedSuppressed: (email, status) => `${email} 的状态是“${status}”：退信或投诉的地址不能直接加回。请不勾选“已同意”再添加，系统会发送确认邮件；只有点击其中的链接才能恢复订阅。`,
    importTitle: '导入 CSV 文件',
    fileLabel: 'CSV 文件',
    fileHint: '表头：email[,name,locale]；最大 5 MB（更大的文件请用 newsletter subscribers import）。',
    previewButton: '预览…',
    previewTitle: (name, bytes) => `${name}（${bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`}）：前几行如下`,
    importJobTitle: (name) => `导入 ${name}`,
    importState: { running: '正在导入…', done: '完成', failed: '已停止', interrupted: '已中断：执行导入的服务器停止了；在此之前的行已导入。请重新导入该文件（已导入的行只会更新，不会重复）。' },
    confirmationsQueued: (n) => `已排队 ${n.toLocaleString('zh-CN')} 封确认邮件。`,
    importTarget: (list, confirmed) => (confirmed ? `这些行将加入列表 ${list}，状态为已确认：已勾选“他们已同意”，不会发送确认邮件。` : `这些行将加入列表 ${list}，状态为待确认：未勾选“他们已同意”，每个新地址都会收到确认邮件。`),
    importButton: '导入',
    imported: (r) => `导入 ${r.imported.toLocaleString('zh-CN')}，更新 ${r.updated.toLocaleString('zh-CN')}，跳过 ${r.skipped.toLocaleString('zh-CN')}，错误 ${r.errors.toLocaleString('zh-CN')}。`,
    uploadExpired: '上传已过期（15 分钟）；请重新选择文件。',
    noFile: '请先选择 CSV 文件。',
    exportTitle: '导出',
    exportButton: '下载 CSV',
  },
  sub: {
    record: '订阅者记录',
    address: '地址',
    locale: '语言',
    noLocale: '跟随通讯',
    created: '加入时间',
    updated: '修改时间',
    consent: '同意记录',
    consentAt: '同意时间',
    consentSource: '方式',
    consentIp: '来源地址',
    consentAgent: '浏览器',
    consentText: '所同意的文字',
    confirmedAt: '确认时间（双重确认）',
    noConsent: '没有同意记录（在记录同意之前加入）。',
    consentHistory: '同意记录的历史（从早到晚）',
    event: '事件',
    events: { requested: '申请加入', confirmed: '通过链接确认', granted: '经同意加入', withdrawn: '退出' },
    eventSources: {
      form: '订阅表单',
      import: '导入',
      api: '管理 API',
      console: '控制台',
      cli: '命令行',
      preferences: '偏好设置页',
      'one-click': '一键退订',
      'unsubscribe-page': '退订页面',
      mail: '邮件退订',
      complaint: '垃圾邮件投诉',
      operator: '操作员',
    },
    lists: '列表',
    noLists: '不在任何列表中。',
    inList: '成员',
    requested: '已申请加入，尚未确认',
    left: '已退订',
    leave: (list) => `从 ${list} 退订…`,
    history: '发送记录',
    noHistory: '最近的发送中没有给此人的邮件。',
    edit: '称呼与语言',
    save: '保存',
    saved: (email) => `已保存 ${email} 的称呼与语言。`,
    resend: '重新发送确认邮件',
    resent: (email) => `确认邮件正在发往 ${email}。`,
    resendThrottled: '不到一分钟前刚发过确认邮件；请稍后再发。',
    nothingToConfirm: '此人没有需要确认的列表。',
    erase: '删除（抹除）…',
    eraseTitle: (email) => `抹除 ${email}？`,
    eraseBody: '这会删除此人的记录、同意记录和列表成员关系，只保留地址的哈希值，使任何导入、API 调用或表单都不会再次加入此地址（与 `newsletter subscribers forget` 相同）。以往发送的统计不变。此操作无法撤销。',
    eraseConfirm: '确认抹除',
    erased: (email) => `${email} 已抹除；只保留了地址的哈希值。`,
    leaveTitle: (email, list) => `将 ${email} 从 ${list} 退订？`,
    leaveBody: (list) => `此人将不再收到 ${list}；正在进行的发送会跳过此人。记录和同意记录会保留。只有本人可以通过表单重新加入（表单会要求确认）。`,
    leaveConfirm: '确认退订',
    leftList: (email, list) => `${email} 已从 ${list} 退订。`,
    notInList: (list) => `此人不在 ${list} 中。`,
    open: (email) => `打开 ${email}`,
  },
  cancelTitle: (id) => `取消 ${id} 的发送？`,
  cancelBody: (queued) => `此次发送不会再发出任何邮件；尚未发送的 ${queued.toLocaleString('zh-CN')} 封计为跳过。取消后无法继续发送。`,
  cancelConfirm: '确认取消发送',
  keepSending: '不，继续发送',
  refresh: '刷新',
  errorTitle: '出了点问题',
  forbidden: '表单已过期，或并非来自管理台。请刷新页面后重试。',
  back: '返回管理台',
};

const BY_LOCALE: Record<ConsoleLocale, ConsoleMessages> = { en, 'zh-CN': zh };

export function consoleMessages(locale: ConsoleLocale): ConsoleMessages {
  return BY_LOCALE[locale];
}

/** The editor's choice (cookie) if it is one of ours, else the first Accept-Language match, else en. */
export function consoleLocale(choice: string | undefined, acceptLanguage: string | undefined): ConsoleLocale {
  if (choice === 'en' || choice === 'zh-CN') return choice;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
