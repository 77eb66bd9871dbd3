import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { findPii } from '../../src/privacy/pii.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('personal numbers never enter the knowledge base', () => {
  it('removes phones (spaces, dashes, full-width, +86), ID-card and bank-card numbers from title, source and text', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/kb/documents', headers: adminAuth,
      payload: {
        title: '大蒜叶子发黄咋办，联系138 1234 5671',
        category: 'agronomy',
        source: '农户王某 +86 139-1234-5678',
        content: '大蒜叶子发黄多是缺肥或叶枯病，追施尿素后喷代森锰锌。有事打１３７１２３４５６７８，'
          + '身份证370881199001011234，银行卡6222021234567890123。',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { rows } = await t.db.pool.query<{ title: string; source: string; content: string; source_key: string }>(
      'SELECT title, source, content, source_key FROM kb_documents',
    );
    const chunks = await t.db.pool.query<{ content: string }>('SELECT content FROM kb_chunks');
    const stored = [...rows.flatMap((r) => [r.title, r.source, r.content, r.source_key]), ...chunks.rows.map((c) => c.content)];
    for (const text of stored) expect(findPii(text), text).toEqual([]);
    expect(rows[0].title).toContain('（电话已隐去）');
    expect(rows[0].content).toContain('追施尿素');
    const search = await t.app.inject({ method: 'GET', url: `/api/v1/kb/search?q=${encodeURIComponent('大蒜叶子发黄')}`, headers: adminAuth });
    expect(search.statusCode).toBe(200);
    expect(search.body).not.toMatch(/5671|5678|1234567|370881/);
  });
});
