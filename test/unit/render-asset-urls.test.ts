// Step 0 of the renderer: images under emails/assets get absolute addresses; a CDN URL is kept.
import { describe, expect, it } from 'vitest';
import { assetUrl } from '../../src/render/asset-urls.ts';
import { cjkFontWarning } from '../../src/preview/cjk-font.ts';
import { localAssetFile } from '../../src/preview/screenshot.ts';

describe('assetUrl', () => {
  it('puts a path under emails/assets below the assets URL, each segment encoded', () => {
    expect(assetUrl('pretrain-weekly/064/banner.png', 'https://news.example.com/assets')).toBe(
      'https://news.example.com/assets/pretrain-weekly/064/banner.png',
    );
    expect(assetUrl('pretrain-weekly/064/banner.png', 'https://cdn.example.com/nl/')).toBe('https://cdn.example.com/nl/pretrain-weekly/064/banner.png');
  });

  it("leaves an absolute URL (the editor's own CDN) as it is", () => {
    expect(assetUrl('https://cdn.example.com/064/banner.png', 'https://news.example.com/assets')).toBe('https://cdn.example.com/064/banner.png');
  });
});

describe('preview: images under the assets URL come from their files', () => {
  const assets = { url: 'https://news.example.com/assets', dir: 'emails/assets' };
  it('maps an address under the assets URL to its file, when the file is there', () => {
    expect(localAssetFile('https://news.example.com/assets/pretrain-weekly/064/3a8cd9656ee32b1d0b72b971515c799c.png', assets)).toBe(
      'emails/assets/pretrain-weekly/064/3a8cd9656ee32b1d0b72b971515c799c.png',
    );
    expect(localAssetFile('https://news.example.com/assets/pretrain-weekly/064/none.png', assets)).toBeNull();
    expect(localAssetFile('https://news.example.com/assets/%2e%2e/%2e%2e/package.json', assets)).toBeNull();
    expect(localAssetFile('https://elsewhere.example.com/assets/pretrain-weekly/064/3a8cd9656ee32b1d0b72b971515c799c.png', assets)).toBeNull();
  });
});

describe('cjkFontWarning', () => {
  it('warns for a Chinese issue when no CJK font is installed, naming the Debian package', () => {
    expect(cjkFontWarning('zh-CN', false)).toBe(
      'no CJK font is installed, so the zh-CN text will show as empty boxes; install one (Debian: apt-get install fonts-noto-cjk)',
    );
    expect(cjkFontWarning('zh-CN', true)).toBeNull();
    // Unknown (no fontconfig to ask): no guess.
    expect(cjkFontWarning('zh-CN', null)).toBeNull();
  });

  it('says nothing for an English issue', () => {
    expect(cjkFontWarning('en')).toBeNull();
  });
});
