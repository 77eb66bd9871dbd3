import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ WEBCHAT_ALLOWED_ORIGINS: 'https://www.jining.example.gov.cn' });
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, headers: Record<string, string> = { 'accept-encoding': 'gzip' }) =>
  t.app.inject({ method: 'GET', url, headers });

describe('the chat page', () => {
  it('serves a Chinese page at / with a strict CSP that allows the configured sites to frame it', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = gunzipSync(res.rawPayload).toString();
    expect(html).toMatch(/<html lang="zh-CN">/);
    expect(html).toMatch(/<label for="input"/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'self' https:\/\/www\.jining\.example\.gov\.cn/);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('first load (page, script, styles) is at most 150 KB gzip', async () => {
    let total = 0;
    const sizes: Record<string, number> = {};
    for (const url of ['/', '/chat.js', '/chat.css']) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      sizes[url] = res.rawPayload.length;
      total += res.rawPayload.length;
    }
    console.info('first load, gzip bytes:', sizes, 'total', total);
    expect(total).toBeLessThan(150 * 1024);
  });

  it('serves the widget script to any site', async () => {
    const res = await get('/widget.js', {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toMatch(/attachShadow/);
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('leaves the API alone: unknown paths still get the JSON 404, /health still answers', async () => {
    const missing = await get('/nope.html');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    expect((await get('/health', {})).json().status).toBe('ok');
  });
});
