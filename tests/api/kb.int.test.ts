import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const garlic = {
  title: '金乡大蒜叶枯病防治',
  category: 'agronomy',
  county: '金乡县',
  source: '金乡县农技站',
  content: '## 症状\n大蒜叶枯病多从叶尖开始发黄变褐，潮湿时长出黑霉。\n## 防治\n发病初期用苯醚甲环唑或代森锰锌喷雾，7到10天一次，连喷2到3次。',
};

async function chunkCount(documentId: string): Promise<number> {
  const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM kb_chunks WHERE document_id = $1', [documentId]);
  return rows[0].n;
}

describe('POST /api/v1/kb/documents', () => {
  it('refuses callers without the admin token', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/kb/documents', payload: garlic });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const wrong = await t.app.inject({
      method: 'POST', url: '/api/v1/kb/documents', payload: garlic, headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toMatch(/令牌/);
  });

  it('creates a document with chunks, leaves an unchanged one alone and replaces a changed one', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/kb/documents', payload: garlic, headers: adminAuth });
    expect(created.statusCode).toBe(201);
    const { id, chunks, status } = created.json();
    expect(status).toBe('created');
    expect(chunks).toBe(2);
    expect(await chunkCount(id)).toBe(2);

    const { rows: before } = await t.db.pool.query('SELECT min(id) AS first FROM kb_chunks WHERE document_id = $1', [id]);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/kb/documents', payload: garlic, headers: adminAuth });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ id, chunks: 2, status: 'unchanged' });
    const { rows: after } = await t.db.pool.query('SELECT min(id) AS first FROM kb_chunks WHERE document_id = $1', [id]);
    expect(after[0].first).toBe(before[0].first);

    const changed = await t.app.inject({
      method: 'POST', url: '/api/v1/kb/documents', headers: adminAuth,
      payload: { ...garlic, content: `${garlic.content}\n## 预防\n选用无病蒜种，合理密植，雨后及时排水。` },
    });
    expect(changed.json()).toMatchObject({ id, chunks: 3, status: 'updated' });
    expect(await chunkCount(id)).toBe(3);
  });

  it('finds the document by a farmer-style question, filtered by county and category', async () => {
    const res = await t.app.inject({
      method: 'GET', url: `/api/v1/kb/search?q=${encodeURIComponent('蒜叶子尖发黄长黑霉咋治')}&limit=3`, headers: adminAuth,
    });
    expect(res.statusCode).toBe(200);
    const hits = res.json().hits;
    expect(hits[0].title).toBe(garlic.title);
    expect(hits[0].score).toBeGreaterThan(0.3);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);

    const otherCounty = await t.app.inject({
      method: 'GET', url: `/api/v1/kb/search?q=${encodeURIComponent('大蒜叶枯病')}&county=${encodeURIComponent('嘉祥县')}`, headers: adminAuth,
    });
    expect(otherCounty.json().hits.map((h: { title: string }) => h.title)).not.toContain(garlic.title);
    const otherCategory = await t.app.inject({
      method: 'GET', url: `/api/v1/kb/search?q=${encodeURIComponent('大蒜叶枯病')}&category=policy`, headers: adminAuth,
    });
    expect(otherCategory.json().hits).toEqual([]);
  });

  it('reads front matter inside the content', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/kb/documents', headers: adminAuth,
      payload: { title: '玉米螟', category: 'agronomy', content: '---\nsource: 市植保站\ntags: [玉米]\n---\n心叶末期撒颗粒剂。' },
    });
    expect(res.statusCode).toBe(201);
    const { rows } = await t.db.pool.query('SELECT source, tags, content FROM kb_documents WHERE id = $1', [res.json().id]);
    expect(rows[0]).toEqual({ source: '市植保站', tags: ['玉米'], content: '心叶末期撒颗粒剂。' });
  });
});

describe('bad input gets a 4xx that says what is wrong, and writes nothing', () => {
  const cases: [string, unknown, RegExp][] = [
    ['empty content', { title: 't', category: 'faq', content: '   ' }, /内容不能为空/],
    ['missing title', { category: 'faq', content: 'x' }, /title/],
    ['unknown category', { title: 't', category: 'weather', content: 'x' }, /分类应为/],
    ['oversized content', { title: 't', category: 'faq', content: '字'.repeat(200_001) }, /最多 200000 个字符/],
    ['malformed front matter', { title: 't', category: 'faq', content: '---\ntitle: [oops\n---\n正文' }, /front matter/],
    ['bad date', { title: 't', category: 'faq', content: 'x', date: '去年' }, /日期/],
  ];
  for (const [name, payload, message] of cases) {
    it(name, async () => {
      const { rows: before } = await t.db.pool.query('SELECT count(*)::int AS n FROM kb_documents');
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/kb/documents', payload: payload as object, headers: adminAuth });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(message);
      const { rows: after } = await t.db.pool.query('SELECT count(*)::int AS n FROM kb_documents');
      expect(after[0].n).toBe(before[0].n);
    });
  }

  it('broken JSON', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/kb/documents', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: '{"title": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('search without a query, or with a bad limit', async () => {
    for (const url of ['/api/v1/kb/search', '/api/v1/kb/search?q=%20', '/api/v1/kb/search?q=x&limit=500']) {
      const res = await t.app.inject({ method: 'GET', url, headers: adminAuth });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/请求内容有误/);
    }
  });
});

describe('DELETE /api/v1/kb/documents/:id', () => {
  it('deletes a document and its chunks', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/v1/kb/documents', headers: adminAuth, payload: { title: '临时', category: 'faq', content: '马上删除。' },
    });
    const { id } = created.json();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/kb/documents/${id}`, headers: adminAuth });
    expect(res.statusCode).toBe(204);
    expect(await chunkCount(id)).toBe(0);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/kb/documents/${id}`, headers: adminAuth });
    expect(again.statusCode).toBe(404);
  });

  it('answers 400 for an id that is not one, 401 without a token', async () => {
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/kb/documents/abc', headers: adminAuth })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/kb/documents/abc' })).statusCode).toBe(401);
  });
});

describe('operations', () => {
  it('GET /health and /ready', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json().status).toBe('ok');
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.json()).toEqual({ status: 'ready', database: true, migrations: true });
  });

  it('serves the OpenAPI description at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/api/v1/kb/documents', '/api/v1/kb/search']));
  });

  it('unknown routes get a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
