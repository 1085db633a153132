// Step 0: images kept under emails/assets (a relative `src`) get their absolute address under
// the assets URL, because a mail client cannot resolve a relative one. Absolute URLs (an
// editor's own CDN) are left as they are. Pure: returns new objects, never touches a file.
import { isAssetPath, type Image, type Issue, type Newsletter, type Section } from '../content/schema.ts';

export function assetUrl(src: string, assetsUrl: string): string {
  if (!isAssetPath(src)) return src;
  return `${assetsUrl.replace(/\/+$/, '')}/${src.split('/').map(encodeURIComponent).join('/')}`;
}

function image<T extends Image | undefined>(img: T, assetsUrl: string): T {
  return img ? { ...img, src: assetUrl(img.src, assetsUrl) } : img;
}

function section(s: Section, assetsUrl: string): Section {
  if (s.kind === 'image') return { ...s, image: image(s.image, assetsUrl) };
  if (s.kind === 'community' && s.qr) return { ...s, qr: image(s.qr, assetsUrl) };
  if (s.kind === 'sponsor' && s.image) return { ...s, image: image(s.image, assetsUrl) };
  return s;
}

export function withAbsoluteImages(issue: Issue, assetsUrl: string): Issue {
  return { ...issue, banner: issue.banner.map((b) => image(b, assetsUrl)), sections: issue.sections.map((s) => section(s, assetsUrl)) };
}

export function newsletterWithAbsoluteImages(newsletter: Newsletter, assetsUrl: string): Newsletter {
  return {
    ...newsletter,
    ...(newsletter.logo ? { logo: image(newsletter.logo, assetsUrl) } : {}),
    ...(newsletter.community ? { community: { ...newsletter.community, qr: image(newsletter.community.qr, assetsUrl) } } : {}),
  };
}
