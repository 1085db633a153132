// Chinese, Japanese and Korean characters (CJK radicals to ideographs, compatibility forms,
// full-width forms): between two of them a line break is no space, and text is measured per
// character, not per word. One definition for every render step that asks.
export const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;
