// Arabic page sentences: Modern Standard Arabic, right to left, digits as Intl writes them for
// `ar` (as the Arabic emails do), the Arabic comma ، and question mark ؟.
import { numberFormatter, plural } from '../../../render/locales/format.ts';
import type { Messages } from './types.ts';

const number = numberFormatter('ar');

/** ساعة after 1, 2 and 11 or more (the counted noun in the singular), ساعات after 3 to 10. */
const hoursWord = (n: number) => plural('ar', n, { few: 'ساعات', other: 'ساعة' });

export const ar: Messages = {
  lang: 'ar',
  dir: 'rtl',
  subscribeTitle: (name) => `اشترك في ${name}`,
  subscribeIntro: (organisation) => `من إصدار ${organisation}. مجانًا، وتصلك مباشرةً إلى بريدك الإلكتروني.`,
  emailLabel: 'البريد الإلكتروني',
  nameLabel: 'الاسم',
  optional: '(اختياري)',
  otherNewsletters: 'من نشراتنا أيضًا:',
  consent: (name) =>
    `باشتراكي، أوافق على تلقي ${name} عبر البريد الإلكتروني. يتضمن كل عدد رابطًا لإلغاء الاشتراك فورًا. ويُسجَّل وقت اشتراكي ومصدره دليلًا على موافقتي.`,
  subscribeButton: 'اشترك',
  confirmNote: (hours) => `سنرسل إليك رابطًا للتأكيد عبر البريد الإلكتروني، وتبقى صلاحيته ${number(hours)} ${hoursWord(hours)}.`,
  honeypotLabel: 'اترك هذا الحقل فارغًا',
  checkInboxTitle: 'تحقّق من بريدك الوارد',
  checkInboxBody: (hours) =>
    `ما لم يكن هذا العنوان مشتركًا بالفعل، فقد أرسلنا إليه رسالة تتضمن رابط التأكيد. افتحها واضغط على الرابط خلال ${number(hours)} ${hoursWord(hours)} لإتمام الاشتراك.`,
  checkInboxHint: 'لم يصلك شيء بعد بضع دقائق؟ تحقّق من مجلد الرسائل غير المرغوب فيها، أو اشترك مرة أخرى.',
  confirmAskTitle: (name) => `أكِّد اشتراكك في ${name}`,
  confirmAskBody: (name) => `اضغط الزر لتبدأ في تلقي ${name}. (نطلب ذلك كي لا يشترك أحد آخر أو برنامج فحص روابط باسمك.)`,
  confirmAskButton: 'نعم، اشترك',
  confirmedTitle: 'تم اشتراكك',
  confirmedBody: (name) => `شكرًا لك. سيصلك العدد القادم من ${name} على بريدك الإلكتروني.`,
  readArchive: 'اقرأ الأعداد السابقة',
  confirmInvalidTitle: 'رابط التأكيد هذا لا يعمل',
  confirmInvalidBody: (hours) =>
    `ربما انتهت صلاحيته (الروابط صالحة لمدة ${number(hours)} ${hoursWord(hours)})، أو استُخدم من قبل، أو اقتطعه برنامج البريد. اشترك مرة أخرى لتحصل على رابط جديد.`,
  subscribeAgain: 'اشترك مرة أخرى',
  unsubscribeTitle: (name) => `إلغاء الاشتراك في ${name}؟`,
  unsubscribeBody: (masked, name) => `لن يتلقى ${masked} ${name} بعد الآن.`,
  unsubscribeButton: 'إلغاء الاشتراك',
  unsubscribedTitle: 'تم إلغاء اشتراكك',
  unsubscribedBody: (masked, name) => `لن يتلقى ${masked ?? 'هذا العنوان'} ${name} بعد الآن.`,
  resubscribeOffer: 'غيّرت رأيك؟ اشترك مرة أخرى، وسنطلب منك التأكيد عبر البريد الإلكتروني.',
  preferencesInvalidTitle: 'رابط التفضيلات هذا لا يعمل',
  unsubscribeInvalidTitle: 'رابط إلغاء الاشتراك هذا لا يعمل',
  unsubscribeInvalidBody: 'ربما اقتُطع جزء منه عند نسخه. افتح رابط إلغاء الاشتراك في أسفل أي عدد، أو استخدم زر إلغاء الاشتراك في برنامج البريد لديك.',
  preferences: {
    title: 'اشتراكاتك',
    intro: (masked) => `إعدادات ${masked}. حدّد النشرات التي تريدها، وألغِ التحديد لإلغاء الاشتراك في أيٍّ منها.`,
    lists: 'النشرات',
    language: 'اللغة',
    languages: { 'zh-CN': '中文', en: 'English' },
    save: 'حفظ',
    leaveAll: 'إلغاء الاشتراك في الكل',
    saved: 'تم الحفظ.',
    leftAll: 'تم إلغاء اشتراكك في جميع النشرات.',
    manage: 'إدارة اشتراكاتك',
    awaiting: 'بانتظار تأكيدك عبر البريد الإلكتروني',
    asked: (names) => `للاشتراك في ${names}، افتح رابط التأكيد الذي أرسلناه إليك للتو عبر البريد الإلكتروني.`,
    linkIntro: (days) =>
      `حفاظًا على خصوصيتك، لا يعرض هذا الرابط شيئًا ولا يغيّر شيئًا: فالرسائل قد تُعاد توجيهها. يمكننا إرسال رابط إلى العنوان الذي تصله هذه النشرة؛ يفتح إعداداتك لمدة ${days} أيام.`,
    linkExpired: 'انتهت صلاحية هذا الرابط.',
    linkButton: 'أرسل لي رابطًا لإدارة اشتراكي',
    linkSent: (days) => `إن كان هذا الرابط يخص مشتركًا، فإن رابطًا لإدارة الاشتراك في طريقه إلى عنوانه، وهو صالح لمدة ${days} أيام.`,
    unsubscribeOnly: (name) => `هل تريد فقط التوقف عن تلقي ${name}؟`,
  },
  archiveTitle: (name) => `${name}: جميع الأعداد`,
  allArchivesTitle: 'جميع أعداد النشرات كلها',
  landingTitle: 'نشراتنا',
  landingIntro: 'اختر نشرة، واقرأ أعدادها السابقة، واشترك ببريدك الإلكتروني. يتضمن كل عدد رابطًا لإلغاء الاشتراك فورًا.',
  latestIssues: 'أحدث الأعداد',
  archiveEmpty: 'لم يُنشر أي عدد بعد.',
  issueNumber: (n) => `العدد ${number(n)}`,
  previousIssue: 'العدد السابق',
  nextIssue: 'العدد التالي',
  allIssues: 'جميع الأعداد',
  subscribeLink: 'اشترك',
  invalidEmail: 'أدخل عنوان بريد إلكتروني، مثل name@example.com.',
  errors: {
    '400': { title: 'تعذّر تنفيذ الطلب', body: 'بعض محتوى الطلب مفقود أو غير صالح.' },
    '404': { title: 'الصفحة غير موجودة', body: 'لا يوجد شيء على هذا العنوان.' },
    '413': { title: 'البيانات كثيرة جدًا', body: 'أرسل النموذج بيانات أكثر مما تقبله هذه الصفحة.' },
    '415': { title: 'صيغة غير مدعومة', body: 'أُرسل النموذج بصيغة لا تقبلها هذه الصفحة.' },
    '429': { title: 'محاولات كثيرة جدًا', body: 'يُرجى الانتظار دقيقة ثم المحاولة مرة أخرى.' },
    '500': { title: 'حدث خطأ من جهتنا', body: 'يُرجى المحاولة مرة أخرى بعد بضع دقائق.' },
  },
  backHome: 'الانتقال إلى صفحة الاشتراك',
};
