// Simplified Chinese (mainland): 《书名号》 around the title, 【】 around a field, 、 between CJK names.
import { CJK } from '../cjk.ts';
import type { Strings } from '../strings.ts';
import { dateFormatter, numberFormatter } from './format.ts';

const number = numberFormatter('zh-CN');

export const zhCN: Strings = {
  title: (name) => (name.startsWith('《') ? name : `《${name}》`),
  issueNumber: (n) => `第${number(n)}期`,
  date: dateFormatter('zh-CN'),
  viewOnline: '在浏览器中查看',
  greetingPrefix: '',
  greetingSuffix: '，你好！',
  defaultName: '读者',
  fieldHeading: (field) => (field.startsWith('【') ? field : `【${field}】`),
  affiliations: '机构：',
  authors: '作者：',
  joinNames: (names) => names.join(names.some((n) => CJK.test(n)) ? '、' : ', '),
  download: '论文下载',
  details: '了解详情',
  speaker: '主讲：',
  time: '时间：',
  communityTitle: '加入社区',
  previous: '上一期：',
  next: '下一期：',
  source: '来源：',
  disclaimer: '声明：',
  whyReceived: (title) => `你收到这封邮件，是因为你订阅了${title}。`,
  unsubscribe: '退订',
  managePreferences: '管理订阅',
  archiveInvite: (title) => `想每周收到${title}？`,
  subscribe: '订阅',
  confirm: {
    subject: (title) => `请确认订阅${title}`,
    heading: '请确认你的订阅',
    intro: (title) => `感谢订阅${title}。请点击下面的按钮，确认这个邮箱地址是你的：`,
    button: '确认订阅',
    expires: (hours) => (hours ? `此链接将在 ${hours} 小时后失效。` : '此链接会在一段时间后失效。'),
    ignore: '如果你没有订阅，忽略这封邮件即可：不确认，我们就不会再给你发任何邮件。',
    fallback: '按钮无法点击？请把下面的链接复制到浏览器中打开：',
  },
  welcome: {
    subject: (title) => `欢迎订阅${title}`,
    heading: '订阅成功，欢迎你！',
    intro: (title) => `从下一期起，${title}会准时来到你的邮箱。先读读最近的一期吧：`,
    latest: '阅读最新一期',
    archive: '浏览往期',
    leave: '随时可以退订：',
    manage: '管理我的订阅',
  },
};
