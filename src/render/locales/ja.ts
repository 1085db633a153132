// Japanese: polite form (です・ます), 【】 around a field, 、 between Japanese names, full-width colons.
import { CJK } from '../cjk.ts';
import type { Strings } from '../strings.ts';
import { dateFormatter, numberFormatter } from './format.ts';

const number = numberFormatter('ja');

export const ja: Strings = {
  title: (name) => name,
  issueNumber: (n) => `第${number(n)}号`,
  date: dateFormatter('ja'),
  viewOnline: 'ブラウザで見る',
  greetingPrefix: '',
  greetingSuffix: 'さん、こんにちは。',
  defaultName: '読者',
  fieldHeading: (field) => (field.startsWith('【') ? field : `【${field}】`),
  affiliations: '所属：',
  authors: '著者：',
  joinNames: (names) => names.join(names.some((n) => CJK.test(n)) ? '、' : ', '),
  download: 'ダウンロード',
  details: '詳しく見る',
  speaker: '講演者：',
  time: '日時：',
  communityTitle: 'コミュニティに参加する',
  previous: '前号：',
  next: '次号：',
  source: '出典：',
  disclaimer: '免責事項：',
  whyReceived: (title) => `このメールは、${title}にご登録いただいた方にお送りしています。`,
  unsubscribe: '配信停止',
  managePreferences: '配信設定',
  archiveInvite: (title) => `${title}を毎週メールで受け取りませんか？`,
  subscribe: '購読する',
  confirm: {
    subject: (title) => `${title}のご登録確認`,
    heading: 'ご登録の確認をお願いします',
    intro: (title) => `${title}にご登録いただきありがとうございます。このメールアドレスがご本人のものであることを確認するため、下のボタンを押してください。`,
    button: '登録を確認する',
    expires: (hours) => (hours ? `このリンクの有効期限は${hours}時間です。` : 'このリンクは一定時間が経つと無効になります。'),
    ignore: 'お心当たりがない場合は、このメールを破棄してください。確認されない限り、今後メールをお送りすることはありません。',
    fallback: 'ボタンが押せない場合は、次のリンクをブラウザに貼り付けて開いてください：',
  },
  welcome: {
    subject: (title) => `${title}へようこそ`,
    heading: 'ご登録が完了しました。ようこそ！',
    intro: (title) => `次号から、${title}がこのメールアドレスに届きます。まずは最新号をどうぞ：`,
    latest: '最新号を読む',
    archive: 'バックナンバー',
    leave: '配信はいつでも停止できます：',
    manage: '配信設定を変更する',
  },
};
