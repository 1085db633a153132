// The mail clients a newsletter can target (its `clients:` setting) and where each one is in
// caniemail's data (`family.platform`). No data here: src/content/schema.ts needs the names only.

export const CLIENTS = {
  'gmail-web': { label: 'Gmail web', key: 'gmail.desktop-webmail' },
  'gmail-ios': { label: 'Gmail iOS', key: 'gmail.ios' },
  'gmail-android': { label: 'Gmail Android', key: 'gmail.android' },
  'gmail-mobile-web': { label: 'Gmail mobile web', key: 'gmail.mobile-webmail' },
  'apple-mail-macos': { label: 'Apple Mail macOS', key: 'apple-mail.macos' },
  'apple-mail-ios': { label: 'Apple Mail iOS', key: 'apple-mail.ios' },
  'outlook-windows': { label: 'Outlook Windows', key: 'outlook.windows' },
  /** The new Outlook for Windows and Outlook.com share one engine; caniemail tests it as outlook-com. */
  'outlook-new': { label: 'new Outlook', key: 'outlook.outlook-com' },
  'outlook-macos': { label: 'Outlook macOS', key: 'outlook.macos' },
  'outlook-ios': { label: 'Outlook iOS', key: 'outlook.ios' },
  'outlook-android': { label: 'Outlook Android', key: 'outlook.android' },
  'windows-mail': { label: 'Windows Mail', key: 'outlook.windows-mail' },
  'yahoo-web': { label: 'Yahoo web', key: 'yahoo.desktop-webmail' },
  'yahoo-ios': { label: 'Yahoo iOS', key: 'yahoo.ios' },
  'yahoo-android': { label: 'Yahoo Android', key: 'yahoo.android' },
  'aol-web': { label: 'AOL web', key: 'aol.desktop-webmail' },
  'samsung-email': { label: 'Samsung Email', key: 'samsung-email.android' },
  thunderbird: { label: 'Thunderbird', key: 'thunderbird.macos' },
  'protonmail-web': { label: 'Proton Mail web', key: 'protonmail.desktop-webmail' },
  'fastmail-web': { label: 'Fastmail web', key: 'fastmail.desktop-webmail' },
  'hey-web': { label: 'HEY web', key: 'hey.desktop-webmail' },
} as const;

export type ClientId = keyof typeof CLIENTS;
export const CLIENT_IDS = Object.keys(CLIENTS) as [ClientId, ...ClientId[]];

/** Targets when a newsletter names none: the clients most readers open mail in. */
export const DEFAULT_CLIENTS: readonly ClientId[] = [
  'gmail-web',
  'gmail-ios',
  'gmail-android',
  'apple-mail-macos',
  'apple-mail-ios',
  'outlook-windows',
  'outlook-new',
  'outlook-macos',
  'outlook-ios',
  'outlook-android',
  'yahoo-web',
  'samsung-email',
];
