// Every image and link an issue puts in front of a reader, each with its field path, so lint,
// preview and tests walk the same list. Newsletter fields are prefixed `newsletter.`.
import MarkdownIt from 'markdown-it';
import type { Image, Issue, Newsletter } from './schema.ts';

export interface FoundImage {
  path: string;
  image: Image;
}

export interface FoundLink {
  path: string;
  url: string;
}

/** The images an issue file names itself (paths relative to the issue). */
export function imagesOfIssue(issue: Issue): FoundImage[] {
  const found: FoundImage[] = [];
  for (const [i, image] of issue.banner.entries()) found.push({ path: `banner[${i}]`, image });
  issue.sections.forEach((section, i) => {
    if (section.kind === 'image') found.push({ path: `sections[${i}].image`, image: section.image });
    if (section.kind === 'community' && section.qr) found.push({ path: `sections[${i}].qr`, image: section.qr });
    if (section.kind === 'sponsor' && section.image) found.push({ path: `sections[${i}].image`, image: section.image });
  });
  return found;
}

/** The images a newsletter settings file names (paths relative to that file). */
export function imagesOfNewsletter(newsletter: Newsletter): FoundImage[] {
  const found: FoundImage[] = [];
  if (newsletter.logo) found.push({ path: 'logo', image: newsletter.logo });
  if (newsletter.community?.qr) found.push({ path: 'community.qr', image: newsletter.community.qr });
  return found;
}

export function issueImages(issue: Issue, newsletter: Newsletter): FoundImage[] {
  const found: FoundImage[] = [];
  if (newsletter.logo) found.push({ path: 'newsletter.logo', image: newsletter.logo });
  for (const [i, image] of issue.banner.entries()) found.push({ path: `banner[${i}]`, image });
  issue.sections.forEach((section, i) => {
    if (section.kind === 'image') found.push({ path: `sections[${i}].image`, image: section.image });
    if (section.kind === 'sponsor' && section.image) found.push({ path: `sections[${i}].image`, image: section.image });
    if (section.kind === 'community') {
      // The section's own QR wins; otherwise the newsletter default is what gets shown.
      if (section.qr) found.push({ path: `sections[${i}].qr`, image: section.qr });
      else if (newsletter.community?.qr) found.push({ path: 'newsletter.community.qr', image: newsletter.community.qr });
    }
  });
  return found;
}

/** `src` → size of each image written with both width and height (lint warns about the others). */
export function knownImageSizes(found: readonly FoundImage[]): Map<string, { width: number; height: number }> {
  const sizes = new Map<string, { width: number; height: number }>();
  for (const { image } of found) if (image.width && image.height) sizes.set(image.src, { width: image.width, height: image.height });
  return sizes;
}

export function issueLinks(issue: Issue, newsletter: Newsletter): FoundLink[] {
  const found: FoundLink[] = [{ path: 'newsletter.archiveUrl', url: newsletter.archiveUrl }];
  for (const { path, image } of issueImages(issue, newsletter)) {
    found.push({ path: `${path}.src`, url: image.src });
    if (image.href) found.push({ path: `${path}.href`, url: image.href });
  }
  issue.sections.forEach((section, i) => {
    const at = `sections[${i}]`;
    switch (section.kind) {
      case 'papers':
        for (const [g, group] of section.groups.entries()) {
          for (const [p, paper] of group.papers.entries()) {
            found.push({ path: `${at}.groups[${g}].papers[${p}].url`, url: paper.url });
            if (paper.detailsUrl) found.push({ path: `${at}.groups[${g}].papers[${p}].detailsUrl`, url: paper.detailsUrl });
          }
        }
        break;
      case 'events':
        section.events.forEach((event, e) => {
          found.push({ path: `${at}.events[${e}].url`, url: event.url });
          if (event.online) found.push({ path: `${at}.events[${e}].online`, url: event.online });
          if (event.registration) found.push({ path: `${at}.events[${e}].registration`, url: event.registration });
        });
        break;
      case 'button':
      case 'sponsor':
        found.push({ path: `${at}.url`, url: section.url });
        break;
      case 'quote':
        if (section.url) found.push({ path: `${at}.url`, url: section.url });
        break;
      case 'links':
        for (const [n, item] of section.items.entries()) found.push({ path: `${at}.items[${n}].url`, url: item.url });
        break;
      case 'navigation':
        if (section.previous) found.push({ path: `${at}.previous.url`, url: section.previous.url });
        if (section.next) found.push({ path: `${at}.next.url`, url: section.next.url });
        break;
      case 'text':
        for (const url of markdownUrls(section.markdown)) found.push({ path: `${at}.markdown`, url });
        break;
      default:
        break;
    }
  });
  return found;
}

// Raw HTML off, as in rendering; validateLink accepts everything so lint sees what was written.
const markdown = new MarkdownIt({ html: false, linkify: true });
markdown.validateLink = () => true;

/** Link targets and image sources written in a Markdown text block. */
export function markdownUrls(source: string): string[] {
  const urls: string[] = [];
  const visit = (tokens: ReturnType<typeof markdown.parse>): void => {
    for (const token of tokens) {
      if (token.type === 'link_open') urls.push(String(token.attrGet('href') ?? ''));
      if (token.type === 'image') urls.push(String(token.attrGet('src') ?? ''));
      if (token.children) visit(token.children);
    }
  };
  visit(markdown.parse(source, {}));
  return urls;
}
