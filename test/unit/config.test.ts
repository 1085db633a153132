import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { signListToken, verifyListToken } from '../../src/subscribers/tokens.ts';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);
const base = { ADMIN_TOKEN: 'a'.repeat(30) };

describe('loadConfig', () => {
  it('gives defaults for optional variables and freezes the result', () => {
    const config = loadConfig({});
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.keyPrefix).toBe('{nl}');
    expect(config.secrets).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the variable when a needed one is missing', () => {
    expect(() => loadConfig({}, ['SECRET'])).toThrow(new ConfigError('SECRET', 'is missing; set it (see .env.example)'));
  });

  it('names the variable when a value is invalid', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/^REDIS_URL: must be a URL starting with redis: or rediss:\/\/$/);
    expect(() => loadConfig({ KEY_PREFIX: 'nl' })).toThrow(/^KEY_PREFIX: must be a Redis hash tag/);
    expect(() => loadConfig({ SECRET: 'short' }, ['SECRET'])).toThrow(/^SECRET: must be at least 32 characters/);
  });

  it('keeps a link signed during a key rotation valid after the old key is dropped', () => {
    const during = loadConfig({ ...base, SECRET: NEW, SECRET_PREVIOUS: OLD }, ['SECRET']);
    const before = loadConfig({ ...base, SECRET: OLD }, ['SECRET']);
    const after = loadConfig({ ...base, SECRET: NEW }, ['SECRET']);
    const signedBefore = signListToken(before.secrets, '7', 'pretrain-weekly');
    const signedDuring = signListToken(during.secrets, '7', 'pretrain-weekly');
    expect(verifyListToken(during.secrets, signedBefore)).toEqual({ subscriberId: '7', listId: 'pretrain-weekly' });
    expect(verifyListToken(after.secrets, signedDuring)).toEqual({ subscriberId: '7', listId: 'pretrain-weekly' });
    expect(verifyListToken(after.secrets, signedBefore)).toBeNull();
  });

  it('refuses a SECRET_PREVIOUS equal to SECRET', () => {
    expect(() => loadConfig({ SECRET: NEW, SECRET_PREVIOUS: NEW }, ['SECRET'])).toThrow(/^SECRET_PREVIOUS: must differ from SECRET/);
  });
});
