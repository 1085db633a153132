// The one shape of a message catalogue, shared by the three surfaces that speak to people: the
// emails (src/render/locales/), the web pages (src/http/views/page-messages/) and the editor's
// console (src/console/console-messages/). Each surface's folder holds
//   types.ts   the shape of one language's messages (and the surface's language names); it
//              imports no language file, so no import runs in a circle;
//   <lang>.ts  one typed object per language (en.ts, zh-CN.ts, …);
//   index.ts   the catalogue (language → messages, this type) and the surface's lookup.
// Counts take their words from `plural` (format.ts), never from `n === 1 ? … : …`.

/** Every language of a surface, each with its messages. */
export type Catalogue<L extends string, M> = Readonly<Record<L, M>>;

/** The messages of `locale` when the catalogue has that language, else those of `fallback`. */
export function messagesIn<L extends string, M>(catalogue: Catalogue<L, M>, locale: string | undefined, fallback: L): M {
  return locale !== undefined && Object.hasOwn(catalogue, locale) ? catalogue[locale as L] : catalogue[fallback];
}
