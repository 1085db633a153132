// Modern Standard Arabic, written right to left (locale-list.ts): the Arabic comma ، between
// names and after the greeting; digits as Intl writes them for `ar`.
import type { Strings } from './types.ts';
import { dateFormatter, eventTimeFormatter, numberFormatter, plural } from './format.ts';

const number = numberFormatter('ar');

/** ساعة after 1, 2 and 11 or more (the counted noun in the singular), ساعات after 3 to 10. */
const hoursWord = (n: number) => plural('ar', n, { few: 'ساعات', other: 'ساعة' });

export const ar: Strings = {
  title: (name) => name,
  issueNumber: (n) => `العدد ${number(n)}`,
  date: dateFormatter('ar'),
  viewOnline: 'عرض في المتصفح',
  greetingPrefix: 'مرحبًا ',
  greetingSuffix: '،',
  defaultName: 'عزيزي القارئ',
  fieldHeading: (field) => field,
  affiliations: 'الجهات: ',
  authors: 'المؤلفون: ',
  joinNames: (names) => names.join('، '),
  download: 'تنزيل',
  details: 'التفاصيل',
  speaker: 'المتحدث: ',
  time: 'الموعد: ',
  place: 'المكان: ',
  online: 'المشاركة عبر الإنترنت',
  register: 'التسجيل',
  addToCalendar: 'إضافة إلى التقويم',
  eventTime: eventTimeFormatter('ar'),
  sponsorLabel: 'إعلان',
  imageLabel: 'صورة',
  quoted: (text) => `«${text}»`,
  communityTitle: 'انضم إلى المجتمع',
  previous: 'العدد السابق: ',
  next: 'العدد التالي: ',
  source: 'المصدر: ',
  disclaimer: 'إخلاء مسؤولية: ',
  whyReceived: (title) => `تصلك هذه الرسالة لأنك مشترك في ${title}.`,
  unsubscribe: 'إلغاء الاشتراك',
  managePreferences: 'إدارة الاشتراكات',
  archiveInvite: (title) => `هل تريد أن تصلك ${title} كل أسبوع؟`,
  subscribe: 'اشترك',
  confirm: {
    subject: (title) => `يُرجى تأكيد اشتراكك في ${title}`,
    heading: 'يُرجى تأكيد اشتراكك',
    intro: (title) => `شكرًا لاشتراكك في ${title}. اضغط على الزر أدناه لتأكيد أن هذا العنوان يخصك:`,
    button: 'تأكيد الاشتراك',
    expires: (hours) => (hours ? `تنتهي صلاحية هذا الرابط بعد ${number(hours)} ${hoursWord(hours)}.` : 'تنتهي صلاحية هذا الرابط بعد مدة.'),
    ignore: 'إذا لم تطلب الاشتراك، فتجاهل هذه الرسالة: لن نرسل إليك أي شيء آخر دون تأكيد.',
    fallback: 'لا يعمل الزر؟ انسخ هذا الرابط والصقه في المتصفح:',
  },
  welcome: {
    subject: (title) => `مرحبًا بك في ${title}`,
    heading: 'تم اشتراكك. أهلًا بك!',
    intro: (title) => `بدءًا من العدد القادم، ستصلك ${title} على هذا البريد. وإلى ذلك الحين، إليك أحدث عدد:`,
    latest: 'اقرأ أحدث عدد',
    archive: 'الأعداد السابقة',
    leave: 'يمكنك إلغاء الاشتراك في أي وقت:',
    manage: 'إدارة اشتراكاتي',
  },
  preferencesLink: {
    subject: (title) => `رابط إدارة اشتراكك في ${title}`,
    heading: 'إدارة اشتراكك',
    intro: (title) => `طلب أحدهم (نأمل أن تكون أنت) رابطًا لتغيير إعداداتك في ${title}: النشرات التي تصلك واسمك ولغتك.`,
    button: 'إدارة اشتراكي',
    expires: (days) => `هذا الرابط صالح لمدة ${number(days)} أيام ولهذا العنوان فقط.`,
    ignore: 'إن لم تطلبه، فتجاهل هذه الرسالة: لن يتغير شيء.',
  },
};
