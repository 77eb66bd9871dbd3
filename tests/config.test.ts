import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('has working defaults for the embedded setup', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', EMBEDDINGS_PROVIDER: 'offline', EMBEDDINGS_DIMENSIONS: 512 });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('names every bad setting', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('ADMIN_TOKEN');
  });

  it('requires a URL and model for remote embeddings', () => {
    expect(() => loadConfig({ EMBEDDINGS_PROVIDER: 'openai' })).toThrow(/EMBEDDINGS_BASE_URL[\s\S]*EMBEDDINGS_MODEL/);
  });
});
