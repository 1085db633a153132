// Right-to-left text mirrors the box: what sits on the left (a list's indent, a heading's accent
// rule) moves to the right. Used for the templates' inline styles (the `mirror` helper) and the
// Markdown block's; mail clients ignore padding-inline-start and friends too often to rely on them.

/** A CSS box shorthand (`0 0 0 10px`) with its right and left values swapped; one to three values are symmetric already. */
export function mirrorBox(box: string): string {
  const parts = box.trim().split(/\s+/);
  return parts.length === 4 ? [parts[0], parts[3], parts[2], parts[1]].join(' ') : box;
}

/** An inline style with left and right swapped: `padding-left`, `border-left`, … and four-value `padding`/`margin`. */
export function mirrorStyle(css: string): string {
  return css
    .replace(/\b(padding|margin|border)-(left|right)\b/g, (_, prop: string, side: string) => `${prop}-${side === 'left' ? 'right' : 'left'}`)
    .replace(/\b(padding|margin):([^;]+)/g, (_, prop: string, box: string) => `${prop}:${mirrorBox(box)}`);
}
