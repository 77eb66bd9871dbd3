import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
}, 300_000);
afterAll(async () => {
  await t?.close();
});
const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object | string, type?: string) =>
  t.app.inject({ method, url, headers: { ...adminAuth, ...(type ? { 'content-type': type } : {}) }, payload });

describe('knowledge documents in the console', () => {
  it('lists and filters, previews chunks, retires (the bot stops citing) and restores', async () => {
    const up = await req('POST', '/api/v1/kb/upload?filename=%E6%B5%8B%E8%AF%95.md&category=agronomy',
      '# 芋头催芽\n\n芋头催芽要在20到25度的温室里放15天，芽长到1厘米就可以下地。\n', 'text/markdown');
    expect(up.statusCode, up.body).toBe(200);
    const [doc] = up.json().documents;
    expect(doc).toMatchObject({ status: 'created', title: '测试' });
    const list = await req('GET', '/api/v1/kb/documents?q=%E8%8A%8B%E5%A4%B4&category=agronomy');
    expect(list.json().documents.map((d: { id: string }) => d.id)).toEqual([doc.id]);
    const detail = await req('GET', `/api/v1/kb/documents/${doc.id}`);
    expect(detail.json().chunks[0].content).toContain('20到25度');
    const hits = async () => (await req('GET', '/api/v1/kb/search?q=%E8%8A%8B%E5%A4%B4%E5%82%AC%E8%8A%BD')).json().hits.map((h: { documentId: string }) => h.documentId);
    expect(await hits()).toContain(doc.id);
    expect((await req('POST', `/api/v1/kb/documents/${doc.id}/retire`)).statusCode).toBe(200);
    expect(await hits()).not.toContain(doc.id);
    const retired = await req('GET', '/api/v1/kb/documents?status=retired');
    expect(retired.json().documents.map((d: { id: string }) => d.id)).toContain(doc.id);
    const restored = await req('POST', `/api/v1/kb/documents/${doc.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(await hits()).toContain(restored.json().id);
  });

  it('refuses a file it cannot read, with the reason', async () => {
    const bad = await req('POST', '/api/v1/kb/upload?filename=qa.json', '[{"question":"只有问题"}]', 'application/octet-stream');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('缺少 question 或 answer');
    const exe = await req('POST', '/api/v1/kb/upload?filename=virus.exe', 'x', 'text/plain');
    expect(exe.statusCode).toBe(400);
  });
});

describe('prices and posts', () => {
  it('lists prices, takes one row, imports a price file whole and deletes a wrong quote', async () => {
    const list = await req('GET', '/api/v1/prices?commodity=%E5%A4%A7%E8%92%9C&limit=5');
    expect(list.json().prices.length).toBe(5);
    const one = await req('POST', '/api/v1/prices', { commodity: '大蒜', market: '金乡大蒜国际交易市场', county: '金乡县', date: '2026-11-20', low: 2.1, avg: 2.3, high: 2.5, unit: '元/斤' });
    expect(one.statusCode, one.body).toBe(201);
    const file = 'commodity,variety,market,county,date,low,avg,high,unit,source\n大蒜,,测试市场,金乡县,2026-11-21,2,2.2,2.4,元/斤,局里\n大蒜,,测试市场,金乡县,2026-11-22,3,2,1,元/斤,局里\n';
    const imported = await req('POST', '/api/v1/prices?filename=prices.csv', file, 'text/csv');
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json().rows).toMatchObject({ inserted: 1, rejected: 1 });
    const [row] = (await req('GET', '/api/v1/prices?market=%E6%B5%8B%E8%AF%95')).json().prices;
    expect((await req('DELETE', `/api/v1/prices/${row.id}`)).statusCode).toBe(204);
    expect((await req('DELETE', `/api/v1/prices/${row.id}`)).statusCode).toBe(404);
  });

  it('posts are one table of kinds: list live and closed, add, take down', async () => {
    const live = await req('GET', '/api/v1/admin/posts?kind=supply');
    expect(live.json().kinds.map((k: { kind: string }) => k.kind)).toEqual(['labor', 'supply']);
    const added = await req('POST', '/api/v1/admin/posts?kind=labor', {
      type: 'hiring', title: '摘辣椒', county: '金乡县', contact: '13800001234', quantity: '10人', pay: '120元/天',
      expiresAt: new Date(Date.now() + 5 * 86400e3).toISOString().slice(0, 10),
    });
    expect(added.statusCode, added.body).toBe(201);
    expect((await req('DELETE', `/api/v1/posts/${added.json().id}?kind=labor`)).statusCode).toBe(204);
    const closed = await req('GET', '/api/v1/admin/posts?kind=labor&status=closed');
    expect(closed.json().posts.map((p: { id: string }) => p.id)).toContain(added.json().id);
    const unknown = await req('GET', '/api/v1/admin/posts?kind=spaceships');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain('labor');
  });
});
