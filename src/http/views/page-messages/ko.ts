// Korean page sentences: polite form, as the Korean emails write. Names and addresses are never
// followed by a particle that depends on their last syllable (을/를, 이/가, 으로/로).
import { numberFormatter } from '../../../render/locales/format.ts';
import type { Messages } from '../messages.ts';

const number = numberFormatter('ko');

export const ko: Messages = {
  lang: 'ko',
  subscribeTitle: (name) => `${name} 구독하기`,
  subscribeIntro: (organisation) => `${organisation}에서 발행합니다. 무료로 메일함에 바로 보내 드립니다.`,
  emailLabel: '이메일 주소',
  nameLabel: '이름',
  optional: '(선택)',
  otherNewsletters: '다른 뉴스레터:',
  consent: (name) =>
    `구독하면 ${name} 이메일 수신에 동의합니다. 모든 호에는 즉시 구독을 해지할 수 있는 링크가 있습니다. 동의의 증빙으로 구독한 시각과 경로가 기록됩니다.`,
  subscribeButton: '구독하기',
  confirmNote: (hours) => `확인 링크를 이메일로 보내 드립니다. 링크는 ${hours}시간 동안 유효합니다.`,
  honeypotLabel: '이 칸은 비워 두세요',
  checkInboxTitle: '메일함을 확인해 주세요',
  checkInboxBody: (hours) =>
    `이 주소로 이미 구독 중이 아니라면 확인 링크가 담긴 메일을 보냈습니다. ${hours}시간 안에 메일을 열고 링크를 눌러 구독을 완료해 주세요.`,
  checkInboxHint: '몇 분이 지나도 메일이 오지 않나요? 스팸 메일함을 확인하거나 다시 구독해 주세요.',
  confirmedTitle: '구독이 완료되었습니다',
  confirmedBody: (name) => `감사합니다. 다음 호부터 ${name} 소식을 메일함으로 보내 드립니다.`,
  readArchive: '지난 호 보기',
  confirmInvalidTitle: '이 확인 링크는 사용할 수 없습니다',
  confirmInvalidBody: (hours) =>
    `링크가 만료되었거나(유효 기간 ${hours}시간), 이미 사용되었거나, 메일 프로그램에서 잘렸을 수 있습니다. 다시 구독하시면 새 링크를 보내 드립니다.`,
  subscribeAgain: '다시 구독하기',
  unsubscribeTitle: (name) => `${name} 구독을 해지하시겠습니까?`,
  unsubscribeBody: (masked, name) => `앞으로 ${masked} 주소로는 ${name} 메일을 보내지 않습니다.`,
  unsubscribeButton: '구독 해지',
  unsubscribedTitle: '구독이 해지되었습니다',
  unsubscribedBody: (masked, name) => `앞으로 ${masked ?? '이'} 주소로는 ${name} 메일을 보내지 않습니다.`,
  resubscribeOffer: '마음이 바뀌셨나요? 다시 구독하시면 이메일로 확인을 요청해 드립니다.',
  unsubscribeInvalidTitle: '이 구독 해지 링크는 사용할 수 없습니다',
  unsubscribeInvalidBody: '복사하는 과정에서 링크가 잘렸을 수 있습니다. 아무 호나 맨 아래에 있는 구독 해지 링크를 열거나, 메일 프로그램의 구독 해지 버튼을 이용해 주세요.',
  preferences: {
    title: '내 구독',
    intro: (masked) => `${masked} 주소의 구독 설정입니다. 받고 싶은 뉴스레터를 선택하고, 해지하려면 선택을 해제하세요.`,
    lists: '뉴스레터',
    language: '언어',
    languages: { 'zh-CN': '中文', en: 'English' },
    save: '저장',
    leaveAll: '모두 구독 해지',
    saved: '저장되었습니다.',
    leftAll: '모든 뉴스레터의 구독이 해지되었습니다.',
    manage: '구독 관리',
  },
  archiveTitle: (name) => `${name} 지난 호`,
  allArchivesTitle: '모든 뉴스레터의 지난 호',
  landingTitle: '뉴스레터 소개',
  landingIntro: '뉴스레터를 골라 지난 호를 읽어 보고, 이메일 주소를 입력해 구독하세요. 모든 호에는 즉시 구독을 해지할 수 있는 링크가 있습니다.',
  latestIssues: '최근 호',
  archiveEmpty: '아직 발행된 호가 없습니다.',
  issueNumber: (n) => `제${number(n)}호`,
  previousIssue: '이전 호',
  nextIssue: '다음 호',
  allIssues: '전체 호',
  subscribeLink: '구독하기',
  invalidEmail: '이메일 주소를 입력해 주세요(예: name@example.com).',
  errors: {
    '400': { title: '요청을 처리하지 못했습니다', body: '요청에 빠진 내용이 있거나 올바르지 않은 내용이 있습니다.' },
    '404': { title: '페이지를 찾을 수 없습니다', body: '이 주소에는 아무것도 없습니다.' },
    '413': { title: '데이터가 너무 많습니다', body: '양식에서 이 페이지가 받을 수 있는 양보다 많은 데이터를 보냈습니다.' },
    '415': { title: '지원하지 않는 양식입니다', body: '이 페이지에서 받지 않는 형식으로 양식이 전송되었습니다.' },
    '429': { title: '시도 횟수가 너무 많습니다', body: '1분 정도 기다린 후 다시 시도해 주세요.' },
    '500': { title: '서버에 문제가 발생했습니다', body: '몇 분 후에 다시 시도해 주세요.' },
  },
  backHome: '구독 페이지로 가기',
};
