// Traditional Chinese (Taiwan): the zh-CN conventions (《》, 【】, 、) with Taiwan's wording
// (郵件, 連結, 社群, 取消訂閱).
import { CJK } from '../cjk.ts';
import type { Strings } from './types.ts';
import { dateFormatter, eventTimeFormatter, numberFormatter } from './format.ts';

const number = numberFormatter('zh-TW');

export const zhTW: Strings = {
  title: (name) => (name.startsWith('《') ? name : `《${name}》`),
  issueNumber: (n) => `第${number(n)}期`,
  date: dateFormatter('zh-TW'),
  viewOnline: '在瀏覽器中檢視',
  greetingPrefix: '',
  greetingSuffix: '，你好！',
  defaultName: '讀者',
  fieldHeading: (field) => (field.startsWith('【') ? field : `【${field}】`),
  affiliations: '機構：',
  authors: '作者：',
  joinNames: (names) => names.join(names.some((n) => CJK.test(n)) ? '、' : ', '),
  download: '論文下載',
  details: '了解詳情',
  speaker: '主講：',
  time: '時間：',
  place: '地點：',
  online: '線上參加',
  register: '報名',
  addToCalendar: '加入行事曆',
  eventTime: eventTimeFormatter('zh-TW'),
  sponsorLabel: '廣告',
  imageLabel: '圖片',
  quoted: (text) => `「${text}」`,
  communityTitle: '加入社群',
  previous: '上一期：',
  next: '下一期：',
  source: '來源：',
  disclaimer: '聲明：',
  whyReceived: (title) => `你收到這封郵件，是因為你訂閱了${title}。`,
  unsubscribe: '取消訂閱',
  managePreferences: '管理訂閱',
  archiveInvite: (title) => `想每週收到${title}？`,
  subscribe: '訂閱',
  confirm: {
    subject: (title) => `請確認訂閱${title}`,
    heading: '請確認你的訂閱',
    intro: (title) => `感謝訂閱${title}。請點擊下方按鈕，確認這個電子郵件地址屬於你：`,
    button: '確認訂閱',
    expires: (hours) => (hours ? `此連結將在 ${hours} 小時後失效。` : '此連結會在一段時間後失效。'),
    ignore: '如果你沒有訂閱，忽略這封郵件即可：未經確認，我們不會再寄任何郵件給你。',
    fallback: '按鈕無法點擊？請將下方連結複製到瀏覽器中開啟：',
  },
  welcome: {
    subject: (title) => `歡迎訂閱${title}`,
    heading: '訂閱成功，歡迎你！',
    intro: (title) => `從下一期起，${title}會準時寄到你的信箱。先讀讀最近的一期吧：`,
    latest: '閱讀最新一期',
    archive: '瀏覽往期',
    leave: '隨時可以取消訂閱：',
    manage: '管理我的訂閱',
  },
  preferencesLink: {
    subject: (title) => `管理你對${title}的訂閱`,
    heading: '管理你的訂閱',
    intro: (title) => `有人（希望是你）要求了一個連結，用來變更你在${title}的設定：收哪些電子報、稱呼和語言。`,
    button: '管理我的訂閱',
    expires: (days) => `此連結 ${days} 天內有效，僅限這個電子郵件地址使用。`,
    ignore: '如果不是你本人要求的，忽略這封郵件即可：什麼都不會改變。',
  },
};
