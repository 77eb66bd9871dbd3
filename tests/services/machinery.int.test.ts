import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../helpers/app.ts';
import { adminAuth, events, officer, servicesApp } from './helpers.ts';

let t: TestContext;
let jinxiang: { authorization: string };
beforeAll(async () => {
  t = await servicesApp();
  jinxiang = await officer(t, { username: 'jx-officer', county: '金乡县', village: '后王村', name: '金乡信息员' });
});
afterAll(async () => {
  await t?.close();
});

const post = (headers: Record<string, string>, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/posts', headers, payload: { kind: 'machinery', side: 'offer', ...payload } });

describe('POST /api/v1/posts kind machinery', () => {
  it('registers a machine with its colloquial name, price as quoted, and an event saying who', async () => {
    const res = await post(jinxiang, { machine: '麦收机', owner: '孟师傅', county: '金乡县', town: '胡集镇', village: '前王村', price: '一亩六十五', contact: '138 0000 4001', availableFrom: '2027-05-25', availableTo: '2027-06-15' });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json();
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/posts?kind=machinery&county=金乡县&machine=收割机', headers: adminAuth });
    const mine = list.json().posts.find((p: { id: string }) => p.id === id);
    expect(mine).toMatchObject({ machine: '收割机', machineText: '麦收机', price: '65元/亩', contact: '13800004001', availableFrom: '2027-05-25', availableTo: '2027-06-15', owner: '孟师傅' });
    const trail = await events(t, id);
    expect(trail).toEqual([expect.objectContaining({ action: 'posted', actor_name: '金乡信息员', actor_role: 'officer' })]);
  });

  it('lists the village first, then the town, then the county', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/posts?kind=machinery&county=金乡县&town=胡集镇&village=后王村', headers: jinxiang });
    expect(res.statusCode).toBe(200);
    const places = res.json().posts.map((p: { village: string | null; town: string | null }) => `${p.town}${p.village ?? ''}`);
    expect(places[0]).toBe('胡集镇后王村');
    const firstOther = places.findIndex((p: string) => !p.startsWith('胡集镇'));
    const lastTown = places.map((p: string) => p.startsWith('胡集镇')).lastIndexOf(true);
    expect(firstOther === -1 || firstOther > lastTown).toBe(true);
    // the demo post that expired is never listed
    expect(res.json().posts.map((p: { contact: string }) => p.contact)).not.toContain('13800002008');
  });

  it('refuses another county, a missing phone and a price in words, writing nothing', async () => {
    const before = (await t.db.pool.query(`SELECT count(*)::int AS n FROM machinery_posts`)).rows[0].n;
    const other = await post(jinxiang, { machine: '旋耕机', county: '嘉祥县', price: '50元/亩', contact: '13800004002' });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toContain('本县');
    const noPhone = await post(jinxiang, { machine: '旋耕机', county: '金乡县', price: '50元/亩', contact: '' });
    expect(noPhone.statusCode).toBe(400);
    const words = await post(jinxiang, { machine: '旋耕机', county: '金乡县', price: '便宜', contact: '13800004002' });
    expect(words.statusCode).toBe(400);
    expect(words.json().error.message).toContain('价格“便宜”看不懂');
    const badDates = await post(adminAuth, { machine: '旋耕机', county: '金乡县', contact: '13800004002', availableFrom: '2027-02-01', availableTo: '2027-01-01' });
    expect(badDates.statusCode).toBe(400);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM machinery_posts`)).rows[0].n).toBe(before);
  });

  it('stores hostile text cleaned: no NUL byte, no broken character', async () => {
    const res = await post(adminAuth, { machine: '旋耕\u0000机', county: '金乡县', contact: '13800004009', owner: 'a\uD800b' });
    expect(res.statusCode, res.body).toBe(201);
    const { rows } = await t.db.pool.query(`SELECT machine, machine_text, owner FROM machinery_posts WHERE id = $1`, [res.json().id]);
    expect(rows[0].machine).toBe('旋耕机');
    expect(rows[0].owner.includes(String.fromCharCode(0))).toBe(false);
    expect(/[\uD800-\uDFFF]/.test(rows[0].owner)).toBe(false);
  });

  it('wants a token to write, and a known kind', async () => {
    expect((await post({}, { machine: '旋耕机', county: '金乡县', contact: '13800004002' })).statusCode).toBe(401);
    const kind = await t.app.inject({ method: 'POST', url: '/api/v1/posts', headers: adminAuth, payload: { kind: 'boat', machine: 'x' } });
    expect(kind.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/posts?kind=boat', headers: adminAuth })).statusCode).toBe(400);
  });

  it('takes a 求租 (want) that owners of the county see', async () => {
    const res = await post(adminAuth, { side: 'want', machine: '植保无人机', county: '汶上县', town: '南旺镇', price: '面议', contact: '13800004003' });
    expect(res.statusCode).toBe(201);
    const wants = await t.app.inject({ method: 'GET', url: '/api/v1/posts?kind=machinery&county=汶上县&side=want', headers: jinxiang });
    expect(wants.json().posts).toEqual([expect.objectContaining({ side: 'want', machine: '植保无人机', contact: '13800004003' })]);
  });
});
