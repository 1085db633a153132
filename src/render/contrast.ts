// WCAG 2 colour contrast, for the lint (contrast-lint.ts): the ratio of two #rrggbb colours, and
// the nearest colour of the same hue that reaches a ratio against a background. Pure.

/** WCAG 2.x: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold). */
export const TEXT_RATIO = 4.5;
export const LARGE_TEXT_RATIO = 3;

const HEX = /^#([0-9a-f]{6})$/i;

function channels(hex: string): [number, number, number] {
  const m = HEX.exec(hex.trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const n = Number.parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function isHexColour(value: string): boolean {
  return HEX.test(value.trim());
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const hex = (rgb: number[]) =>
  `#${rgb
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;

/**
 * `colour` mixed towards black, in steps of 2 %, until `passes` holds: the same hue, darker. What
 * the lint offers an editor whose brand colour is too light. Null when even black fails.
 */
export function darkenUntil(colour: string, passes: (candidate: string) => boolean): string | null {
  const rgb = channels(colour);
  for (let keep = 1; keep >= 0; keep -= 0.02) {
    const candidate = hex(rgb.map((c) => c * keep));
    if (passes(candidate)) return candidate;
  }
  return null;
}
