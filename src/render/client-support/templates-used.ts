// The templates an issue's HTML can come from: the layout, the partials it names, the partial of
// each kind of section the issue has (the layout picks it by name: `{{> (lookup . "kind")}}`),
// and what those name in turn. The client-support table names only these as a feature's source,
// not a confirmation mail or a partial no section of this issue uses.
const PARTIAL_REFERENCE = /\{\{~?>\s*([\w-]+)/g;
const LAYOUT = 'layout.mjml.hbs';
const partialFile = (name: string) => `partials/${name}.mjml.hbs`;

export function templatesUsed(files: Readonly<Record<string, string>>, sectionKinds: readonly string[]): Record<string, string> {
  const used: Record<string, string> = {};
  const queue = [LAYOUT, ...sectionKinds.map(partialFile)];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const text = files[file];
    if (text === undefined || file in used) continue;
    used[file] = text;
    for (const m of text.matchAll(PARTIAL_REFERENCE)) queue.push(partialFile(m[1]!));
  }
  return used;
}
