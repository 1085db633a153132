// Korean: polite form (합쇼체/해요체 as a publication writes it), names joined with commas.
import type { Strings } from '../strings.ts';
import { dateFormatter, numberFormatter } from './format.ts';

const number = numberFormatter('ko');

export const ko: Strings = {
  title: (name) => name,
  issueNumber: (n) => `제${number(n)}호`,
  date: dateFormatter('ko'),
  viewOnline: '브라우저에서 보기',
  greetingPrefix: '',
  greetingSuffix: '님, 안녕하세요!',
  defaultName: '독자',
  fieldHeading: (field) => field,
  affiliations: '소속: ',
  authors: '저자: ',
  joinNames: (names) => names.join(', '),
  download: '다운로드',
  details: '자세히 보기',
  speaker: '연사: ',
  time: '일시: ',
  communityTitle: '커뮤니티 참여하기',
  previous: '이전 호: ',
  next: '다음 호: ',
  source: '출처: ',
  disclaimer: '고지: ',
  whyReceived: (title) => `이 메일은 ${title} 구독자에게 발송됩니다.`,
  unsubscribe: '구독 취소',
  managePreferences: '구독 관리',
  archiveInvite: (title) => `매주 ${title} 소식을 메일로 받아 보시겠어요?`,
  subscribe: '구독하기',
  confirm: {
    subject: (title) => `${title} 구독을 확인해 주세요`,
    heading: '구독을 확인해 주세요',
    intro: (title) => `${title} 구독을 신청해 주셔서 감사합니다. 본인의 이메일 주소가 맞는지 아래 버튼을 눌러 확인해 주세요.`,
    button: '구독 확인',
    expires: (hours) => (hours ? `이 링크는 ${hours}시간 후 만료됩니다.` : '이 링크는 일정 시간이 지나면 만료됩니다.'),
    ignore: '구독을 신청하지 않으셨다면 이 메일을 무시하세요. 확인하지 않으면 더 이상 메일을 보내지 않습니다.',
    fallback: '버튼이 작동하지 않나요? 아래 링크를 복사해 브라우저에 붙여 넣으세요:',
  },
  welcome: {
    subject: (title) => `${title} 구독을 환영합니다`,
    heading: '구독이 완료되었습니다. 환영합니다!',
    intro: (title) => `다음 호부터 ${title} 소식이 이 메일함으로 찾아갑니다. 먼저 최신 호를 읽어 보세요:`,
    latest: '최신 호 읽기',
    archive: '지난 호 보기',
    leave: '언제든지 구독을 취소할 수 있습니다:',
    manage: '구독 관리',
  },
};
